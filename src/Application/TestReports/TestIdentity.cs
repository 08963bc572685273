using System.Security.Cryptography;
using System.Text;

namespace Comet.Application.TestReports;

/// <summary>
/// The id that names one test across runs: its job (matrix legs are different tests), suite, class and name.
/// Short enough for a URL, long enough (64 bits) that a project's tests do not collide.
/// </summary>
public static class TestIdentity
{
    public static string Of(string jobName, string suite, string? className, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{jobName}\0{suite}\0{className}\0{name}"));
        return Convert.ToHexStringLower(hash, 0, 8);
    }
}
