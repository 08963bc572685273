using System.Security.Cryptography;
using Comet.Application.Secrets;
using Microsoft.AspNetCore.DataProtection;

namespace Comet.Infrastructure.Secrets;

/// <summary>
/// Secret values encrypted with ASP.NET Core Data Protection (AES-256-CBC with HMACSHA256, keys rotated every 90 days).
/// Every payload names the key that made it, and retired keys stay in the ring, so values written before a rotation
/// stay readable.
/// </summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    /// <summary>The purpose string isolates these payloads from any other use of the same key ring (OAuth state, cookies).</summary>
    public const string Purpose = "Comet.Secrets.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(string value) => _protector.Protect(value);

    public string Unprotect(string protectedValue)
    {
        try
        {
            return _protector.Unprotect(protectedValue);
        }
        catch (CryptographicException ex)
        {
            throw new SecretKeyException($"the value cannot be decrypted with this server's keys ({ex.Message})", ex);
        }
        catch (FormatException ex)
        {
            throw new SecretKeyException("the stored value is not a payload this server wrote", ex);
        }
    }
}
