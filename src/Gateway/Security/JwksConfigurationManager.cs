using Comet.Gateway.Configuration;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Comet.Gateway.Security;

/// <summary>
/// Gives the JwtBearer handler its signing keys from a JWKS file or URL, through the handler's own extension point.
/// A file is re-read when it changes; a URL is fetched again after a while, or at once (at most every 30 s) when a
/// token names a key id we do not know, so a rotated key is picked up without a restart.
/// </summary>
public sealed class JwksConfigurationManager(GatewayOptions.JwtOptions options, HttpMessageInvoker invoker, ILogger<JwksConfigurationManager> logger)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    private static readonly TimeSpan FileCheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan UrlMaxAge = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTime _fileWriteTime;
    private DateTimeOffset _checkedAt;
    private DateTimeOffset _fetchedAt;
    private bool _refreshRequested;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var now = DateTimeOffset.UtcNow;
        if (_current is not null && !IsStale(now)) return _current;
        await _loading.WaitAsync(cancel);
        try
        {
            if (_current is not null && !IsStale(now)) return _current;
            _checkedAt = now;
            if (!string.IsNullOrWhiteSpace(options.JwksFile))
            {
                var writeTime = File.GetLastWriteTimeUtc(options.JwksFile);
                if (_current is null || writeTime != _fileWriteTime)
                {
                    _current = Parse(await File.ReadAllTextAsync(options.JwksFile, cancel), options.JwksFile);
                    _fileWriteTime = writeTime;
                }
            }
            else
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, options.JwksUrl);
                using var response = await invoker.SendAsync(request, cancel);
                response.EnsureSuccessStatusCode();
                _current = Parse(await response.Content.ReadAsStringAsync(cancel), options.JwksUrl!);
                _fetchedAt = now;
                _refreshRequested = false;
            }
            return _current;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or ArgumentException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "The JWT signing keys could not be read from {Source}", options.JwksFile ?? options.JwksUrl);
            if (_current is not null) return _current; // keep verifying with the keys we had
            throw;
        }
        finally
        {
            _loading.Release();
        }
    }

    public void RequestRefresh()
    {
        if (DateTimeOffset.UtcNow - _fetchedAt >= MinimumRefreshInterval) _refreshRequested = true;
    }

    private bool IsStale(DateTimeOffset now) => !string.IsNullOrWhiteSpace(options.JwksFile)
        ? now - _checkedAt >= FileCheckInterval
        : _refreshRequested || now - _fetchedAt >= UrlMaxAge;

    private OpenIdConnectConfiguration Parse(string json, string source)
    {
        var keys = new JsonWebKeySet(json);
        var configuration = new OpenIdConnectConfiguration { Issuer = string.IsNullOrWhiteSpace(options.Issuer) ? null : options.Issuer };
        foreach (var key in keys.Keys) configuration.SigningKeys.Add(key);
        logger.LogInformation("JWT signing keys loaded from {Source}: {KeyIds}", source, string.Join(", ", keys.Keys.Select(k => k.Kid)));
        return configuration;
    }
}
