using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Comet.Hosting;

namespace Comet.Infrastructure.Identity;

/// <summary>
/// The RSA keys that sign access tokens, as PEM files in {data}/keys (mode 0600, the folder 0700). The first start makes one.
/// Every key verifies; the newest file signs. To rotate: add a new signing-*.pem, restart, and remove the old file
/// once the tokens it signed have expired (15 minutes).
/// </summary>
public sealed class SigningKeys
{
    public SigningKeys(string dataDir)
    {
        var folder = Path.Combine(dataDir, "keys");
        PrivateFile.CreateFolder(folder);
        var files = Directory.GetFiles(folder, "signing-*.pem").OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) files.Add(CreateKeyFile(folder));
        Keys = files.Select(Load).ToList();
        Current = Keys[^1];
    }

    public IReadOnlyList<RsaSecurityKey> Keys { get; }

    /// <summary>The key new tokens are signed with.</summary>
    public RsaSecurityKey Current { get; }

    /// <summary>The public halves, as /.well-known/jwks.json publishes them.</summary>
    public object Jwks() => new
    {
        keys = Keys.Select(k =>
        {
            var parameters = k.Rsa.ExportParameters(includePrivateParameters: false);
            return new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = SecurityAlgorithms.RsaSha256,
                ["kid"] = k.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
        }).ToArray(),
    };

    private static string CreateKeyFile(string folder)
    {
        using var rsa = RSA.Create(2048);
        var kid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var path = Path.Combine(folder, $"signing-{kid}.pem");
        using (var writer = PrivateFile.Create(path, overwrite: false))
            writer.Write(rsa.ExportPkcs8PrivateKeyPem());
        return path;
    }

    private static RsaSecurityKey Load(string path)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        var kid = Path.GetFileNameWithoutExtension(path)["signing-".Length..];
        return new RsaSecurityKey(rsa) { KeyId = kid };
    }
}
