using Comet.Application.Secrets;
using Comet.Infrastructure.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Secrets;

public static class SecretStoreSetup
{
    /// <summary>
    /// Data Protection with its key ring in {data}/keys/data-protection (0700, keys 0600), under a fixed application
    /// name: by default the name is the content root's path, and moving the binaries would make every value unreadable.
    /// </summary>
    public static IServiceCollection AddSecretStore(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("Comet");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<CometOptions>>((keys, comet) =>
            keys.XmlRepository = new PrivateKeyRepository(SecretKeyRing.FolderOf(comet.Value)));
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        return services;
    }
}
