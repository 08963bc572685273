namespace Comet.Application.Secrets;

/// <summary>Encrypts secret values at rest; Infrastructure does it with ASP.NET Core Data Protection and a key ring in the data folder.</summary>
public interface ISecretProtector
{
    string Protect(string value);

    /// <summary>The value; throws <see cref="SecretKeyException"/> when this server's keys cannot decrypt it.</summary>
    string Unprotect(string protectedValue);
}

/// <summary>A stored value cannot be decrypted with the keys this server has: its key ring was lost, replaced or is another node's.</summary>
public sealed class SecretKeyException(string message, Exception? inner = null) : Exception(message, inner);
