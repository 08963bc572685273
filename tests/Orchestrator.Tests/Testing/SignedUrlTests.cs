using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Testing;

/// <summary>
/// Signed download URLs: anyone holding one gets the bytes without a token until it expires; a URL with any
/// character of its id, expiry or signature changed is refused; without a token or a signature there is nothing.
/// </summary>
public sealed class SignedUrlTests : PipelineTestBase
{
    private static readonly byte[] First = Encoding.UTF8.GetBytes("first artifact\n");
    private static readonly byte[] Second = Encoding.UTF8.GetBytes("second artifact\n");

    /// <summary>A finished run whose build job stored dist/first.txt and dist/second.txt.</summary>
    private async Task<(RunView Run, JsonElement First, JsonElement Second)> BuildAsync()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: |
                      mkdir -p dist
                      printf 'first artifact\n' > dist/first.txt
                      printf 'second artifact\n' > dist/second.txt
                artifacts: ["dist/*.txt"]
            """);
        var run = await Client.TriggerAndWaitAsync(project.Slug);
        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var artifacts = await Client.ListArtifactsAsync(run.Id);
        return (run, artifacts.Artifact("build", "dist/first.txt"), artifacts.Artifact("build", "dist/second.txt"));
    }

    private HttpClient Anonymous() => Factory.CreateClient();

    /// <summary>The URL with one query parameter's value changed (or removed when <paramref name="change"/> gives null).</summary>
    private static string WithQuery(string url, string name, Func<string, string?> change)
    {
        var question = url.IndexOf('?');
        Assert.That(question, Is.GreaterThan(0), $"a signed URL without a query: {url}");
        var parts = url[(question + 1)..].Split('&')
            .Select(p => p.Split('=', 2))
            .Select(p => p[0] == name ? change(p[1]) is { } v ? $"{p[0]}={v}" : null : $"{p[0]}={p[1]}")
            .Where(p => p is not null);
        return url[..question] + "?" + string.Join("&", parts);
    }

    private static string Query(string url, string name) =>
        url[(url.IndexOf('?') + 1)..].Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == name)[1];

    [Test]
    public async Task A_signed_url_gives_the_bytes_to_a_client_without_a_token()
    {
        var (run, first, _) = await BuildAsync();
        var before = DateTimeOffset.UtcNow;

        var signed = await Client.CreateSignedUrlAsync(run.Id, first);

        var url = signed.Str("url");
        Assert.That(Uri.TryCreate(url, UriKind.Absolute, out var uri), Is.True, $"not an absolute URL: {url}");
        Assert.Multiple(() =>
        {
            Assert.That(uri!.AbsolutePath, Is.EqualTo($"/api/v1/artifacts/{first.Str("id")}/download"));
            Assert.That(Query(url, "signature"), Does.Match("^[0-9a-fA-F]{64}$"), "a hex HMAC-SHA256");
            var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(Query(url, "expires"), System.Globalization.CultureInfo.InvariantCulture));
            Assert.That(expires, Is.EqualTo(before.AddHours(1)).Within(TimeSpan.FromMinutes(1)), "the default lifetime is an hour");
            Assert.That(signed.GetProperty("expiresAt").GetDateTimeOffset(), Is.EqualTo(expires).Within(TimeSpan.FromSeconds(1)));
        });

        using var anonymous = Anonymous();
        using var response = await anonymous.GetAsync(url);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(bytes));
            Assert.That(bytes, Is.EqualTo(First));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/octet-stream"));
        });
    }

    [Test]
    public async Task A_signed_url_with_its_signature_expiry_or_artifact_changed_is_refused_with_403()
    {
        var (run, first, second) = await BuildAsync();
        var url = (await Client.CreateSignedUrlAsync(run.Id, first)).Str("url");
        var tampered = new Dictionary<string, string>
        {
            ["one hex character of the signature"] = WithQuery(url, "signature", s => s[..^1] + (s[^1] == '0' ? '1' : '0')),
            ["the first hex character of the signature"] = WithQuery(url, "signature", s => (s[0] == 'a' ? 'b' : 'a') + s[1..]),
            ["the expiry, one second later"] = WithQuery(url, "expires", e => (long.Parse(e, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ["the artifact, another of the same run"] = url.Replace(first.Str("id"), second.Str("id"), StringComparison.Ordinal),
        };
        using var anonymous = Anonymous();

        foreach (var (what, changed) in tampered)
        {
            Assert.That(changed, Is.Not.EqualTo(url), what);
            using var response = await anonymous.GetAsync(changed);
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{what}: {body}");
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), what);
            Assert.That(body, Does.Not.Contain("first artifact").And.Not.Contain("second artifact"), what);
        }

        using var unsigned = await anonymous.GetAsync(WithQuery(url, "signature", _ => null));
        Assert.That(unsigned.StatusCode, Is.AnyOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), "no signature, no bytes");
        using var original = await anonymous.GetAsync(url);
        Assert.That(original.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the untouched URL still works");
    }

    [Test]
    public async Task A_signed_url_made_to_last_one_second_is_refused_with_403_two_seconds_later()
    {
        var (run, first, _) = await BuildAsync();
        var before = DateTimeOffset.UtcNow;

        var signed = await Client.CreateSignedUrlAsync(run.Id, first, expiresIn: "1s");

        Assert.That(signed.GetProperty("expiresAt").GetDateTimeOffset(), Is.EqualTo(before.AddSeconds(1)).Within(TimeSpan.FromSeconds(2)));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var anonymous = Anonymous();
        using var response = await anonymous.GetAsync(signed.Str("url"));
        var problem = await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.That(problem.ToString(), Does.Not.Contain("first artifact"));
    }

    [TestCase("8d")]
    [TestCase("soon")]
    [TestCase("-1h")]
    public async Task A_signed_url_lifetime_over_seven_days_or_not_a_duration_is_a_400(string expiresIn)
    {
        var (run, first, _) = await BuildAsync();

        using var response = await Client.PostAsJsonAsync(TestingApi.DownloadPath(run.Id, first) + "/url", new { expiresIn });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.ToString(), Does.Contain("expiresIn").IgnoreCase, "the problem names the field");
    }

    [Test]
    public async Task A_signed_url_may_last_seven_days()
    {
        var (run, first, _) = await BuildAsync();
        var before = DateTimeOffset.UtcNow;

        var signed = await Client.CreateSignedUrlAsync(run.Id, first, expiresIn: "7d");

        Assert.That(signed.GetProperty("expiresAt").GetDateTimeOffset(), Is.EqualTo(before.AddDays(7)).Within(TimeSpan.FromMinutes(1)));
        using var anonymous = Anonymous();
        using var response = await anonymous.GetAsync(signed.Str("url"));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(First));
    }

    [Test]
    public async Task Without_a_token_the_artifact_list_the_download_and_a_new_signed_url_are_401()
    {
        var (run, first, second) = await BuildAsync();
        using var anonymous = Anonymous();

        using var list = await anonymous.GetAsync($"/api/v1/runs/{run.Id}/artifacts");
        using var download = await anonymous.GetAsync(TestingApi.DownloadPath(run.Id, second));
        using var sign = await anonymous.PostAsJsonAsync(TestingApi.DownloadPath(run.Id, first) + "/url", new { expiresIn = "1h" });
        using var bare = await anonymous.GetAsync($"/api/v1/artifacts/{second.Str("id")}/download");

        Assert.Multiple(async () =>
        {
            Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await download.Content.ReadAsStringAsync(), Does.Not.Contain("second artifact"));
            Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(bare.StatusCode, Is.AnyOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), "neither a token nor a signature");
            Assert.That(await bare.Content.ReadAsStringAsync(), Does.Not.Contain("second artifact"));
        });
    }
}
