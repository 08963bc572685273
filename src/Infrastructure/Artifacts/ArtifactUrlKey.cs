using System.Security.Cryptography;
using Comet.Application.Common.Interfaces;
using Comet.Infrastructure.Configuration;
using Comet.Infrastructure.Identity;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;
using Comet.Hosting;

namespace Comet.Infrastructure.Artifacts;

/// <summary>
/// The secret that signs artifact download URLs: <c>Artifacts:SigningKey</c> (base64, at least 32 bytes) when set, so
/// several nodes agree; else 32 random bytes made on first use in {data}/keys/artifact-urls.key (mode 0600).
/// Replacing the key ends every URL signed with the old one.
/// </summary>
public sealed class ArtifactUrlKey(IOptions<CometOptions> comet, IOptions<ArtifactKeyOptions> options) : IArtifactUrlKey
{
    private readonly Lazy<byte[]> _key = new(() => Load(comet.Value.DataDirFullPath, options.Value.SigningKey));

    public byte[] Key => _key.Value;

    private static byte[] Load(string dataDir, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Convert.FromBase64String(configured);
        var path = Path.Combine(dataDir, "keys", "artifact-urls.key");
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        PrivateFile.CreateFolder(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var writer = PrivateFile.Create(path, overwrite: false);
            writer.Write(Convert.ToBase64String(key));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first: use theirs.
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
    }
}

/// <summary><c>Artifacts:SigningKey</c>, kept apart from the other artifact settings because it is a secret.</summary>
public sealed class ArtifactKeyOptions
{
    public string? SigningKey { get; set; }
}

public sealed class ArtifactOptionsValidator : IValidateOptions<Application.Artifacts.ArtifactOptions>
{
    public ValidateOptionsResult Validate(string? name, Application.Artifacts.ArtifactOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultExpiry <= TimeSpan.Zero) failures.Add("Artifacts:DefaultExpiry must be longer than zero.");
        if (options.MaxFileBytes <= 0) failures.Add("Artifacts:MaxFileBytes must be at least 1.");
        if (options.MaxJobBytes <= 0) failures.Add("Artifacts:MaxJobBytes must be at least 1.");
        if (options.MaxFilesPerJob <= 0) failures.Add("Artifacts:MaxFilesPerJob must be at least 1.");
        if (options.SweepInterval < TimeSpan.FromMilliseconds(100)) failures.Add("Artifacts:SweepInterval must be at least 100 ms (00:00:00.100).");
        if (options.OrphanGrace < TimeSpan.Zero) failures.Add("Artifacts:OrphanGrace cannot be negative.");
        if (options.MaxUrlLifetime <= TimeSpan.Zero) failures.Add("Artifacts:MaxUrlLifetime must be longer than zero.");
        if (options.PublicUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            failures.Add($"Artifacts:PublicUrl must be an absolute http(s) address, not '{url}'.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public sealed class ArtifactKeyOptionsValidator : IValidateOptions<ArtifactKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ArtifactKeyOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.SigningKey)) return ValidateOptionsResult.Success;
        try
        {
            return Convert.FromBase64String(options.SigningKey).Length >= 32
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Artifacts:SigningKey must be at least 32 bytes, written in base64 (e.g. `openssl rand -base64 32`).");
        }
        catch (FormatException)
        {
            return ValidateOptionsResult.Fail("Artifacts:SigningKey is not base64 (make one with `openssl rand -base64 32`).");
        }
    }
}
