using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>The route file at start-up and when an operator edits it while the gateway runs.</summary>
public sealed class RouteFileTests : AcceptanceTest
{
    private static readonly TimeSpan ReloadPatience = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_good_change_to_the_route_file_takes_effect_without_a_restart()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/old/{everything}", "/old/{everything}", downstream)));
        using (var before = await gateway.Client.GetAsync("/new/x"))
            await ProblemOf(before, 404);

        await gateway.WriteRoutesAsync(GatewayConfig.With(Route.To("/new/{everything}", "/renamed/{everything}", downstream)));

        await Eventually.Until(async () =>
        {
            using var response = await gateway.Client.GetAsync("/new/x");
            return response.StatusCode == HttpStatusCode.OK;
        }, ReloadPatience, "the new route answering");
        using var moved = await gateway.Client.GetAsync("/new/y");
        using var gone = await gateway.Client.GetAsync("/old/y");
        Assert.That((await EchoOf(moved)).Path, Is.EqualTo("/renamed/y"));
        await ProblemOf(gone, 404);
    }

    public static IEnumerable<TestCaseData> BadChanges()
    {
        yield return new TestCaseData("{ \"Routes\": [ { \"UpstreamPathTemplate\": \"/new/{everything}\", ")
            .SetArgDisplayNames("cut-off JSON");
        yield return new TestCaseData("""
            { "Routes": [ { "UpstreamPathTemplate": "/new/{everything}", "DownstreamPathTemplate": "/{everything}", "DownstreamScheme": "http" } ] }
            """).SetArgDisplayNames("route without a host");
    }

    [TestCaseSource(nameof(BadChanges))]
    public async Task A_bad_change_is_logged_as_an_error_and_the_previous_routes_stay_in_force(string badFile)
    {
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(Route.To("/old/{everything}", "/old/{everything}", downstream)));
        using (var before = await gateway.Client.GetAsync("/old/x"))
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await gateway.WriteRouteFileAsync(badFile);

        await Eventually.Until(() => ErrorLogs(gateway.Process.Output).Count != 0, ReloadPatience, "an error log about the bad route file");
        using (var oldRoute = await gateway.Client.GetAsync("/old/y"))
            Assert.That((await EchoOf(oldRoute)).Path, Is.EqualTo("/old/y"), "the previous table is still in force");
        using (var newRoute = await gateway.Client.GetAsync("/new/y"))
            await ProblemOf(newRoute, 404);
        if (badFile.Contains("DownstreamPathTemplate", StringComparison.Ordinal))
            Assert.That(ErrorLogs(gateway.Process.Output), Has.Some.Contain("Routes[0] (/new/{everything}): DownstreamHostAndPorts"));

        // The watch goes on after a bad change: fixing the file is picked up.
        await gateway.WriteRoutesAsync(GatewayConfig.With(Route.To("/new/{everything}", "/fixed/{everything}", downstream)));
        await Eventually.Until(async () =>
        {
            using var response = await gateway.Client.GetAsync("/new/z");
            return response.StatusCode == HttpStatusCode.OK;
        }, ReloadPatience, "the fixed route file taking effect");
    }

    /// <summary>The messages of the Error entries in the gateway's JSON console log.</summary>
    private static List<string> ErrorLogs(string output)
    {
        var messages = new List<string>();
        foreach (var line in output.Split('\n'))
        {
            if (!line.TrimStart().StartsWith('{')) continue;
            try
            {
                using var entry = JsonDocument.Parse(line);
                var root = entry.RootElement;
                if (root.TryGetProperty("LogLevel", out var level) && level.GetString() is "Error" or "Critical"
                    && root.TryGetProperty("Message", out var message))
                    messages.Add(message.GetString() ?? "");
            }
            catch (JsonException)
            {
                // not a log entry
            }
        }
        return messages;
    }

    public static IEnumerable<TestCaseData> InvalidFiles()
    {
        const string good = """{ "UpstreamPathTemplate": "/api/cards", "DownstreamPathTemplate": "/cards", "DownstreamScheme": "http", "DownstreamHostAndPorts": [ { "Host": "127.0.0.1", "Port": 5001 } ] }""";
        yield return new TestCaseData(
            $$"""{ "Routes": [ {{good}}, { "UpstreamPathTemplate": "/api/{everything}", "DownstreamPathTemplate": "/{everything}", "DownstreamScheme": "http" } ] }""",
            @"Routes\[1\] \(/api/\{everything\}\): DownstreamHostAndPorts")
            .SetArgDisplayNames("route without hosts");
        yield return new TestCaseData(
            $$"""{ "Routes": [ { "UpstreamPathTemplate": "/api/cards", "DownstreamPathTemplate": "/cards", "DownstreamScheme": "ftp", "DownstreamHostAndPorts": [ { "Host": "127.0.0.1", "Port": 5001 } ] } ] }""",
            @"Routes\[0\] \(/api/cards\): DownstreamScheme")
            .SetArgDisplayNames("unknown scheme");
        yield return new TestCaseData(
            $$"""{ "Routes": [ {{good}}, {{good.Replace("/api/cards", "/api/boards", StringComparison.Ordinal).Replace("\"DownstreamScheme\"", "\"RateLimitOptions\": { \"EnableRateLimiting\": true, \"Period\": \"1 fortnight\", \"Limit\": 3 }, \"DownstreamScheme\"", StringComparison.Ordinal)}} ] }""",
            @"Routes\[1\] \(/api/boards\): .*Period")
            .SetArgDisplayNames("bad rate-limit period");
        yield return new TestCaseData(
            $$"""{ "Routes": [ {{good.Replace("\"DownstreamScheme\"", "\"LoadBalancerOptions\": { \"Type\": \"Random\" }, \"DownstreamScheme\"", StringComparison.Ordinal)}} ] }""",
            @"Routes\[0\] \(/api/cards\): .*LoadBalancer")
            .SetArgDisplayNames("unknown load balancer");
        yield return new TestCaseData("{\n  \"Routes\": [\n    {\n      \"UpstreamPathTemplate\": \"/api/cards\" oops\n  ]\n}", @"(?i)line\D{0,20}[34]\b")
            .SetArgDisplayNames("bad JSON on line 4");
    }

    [TestCaseSource(nameof(InvalidFiles))]
    public async Task An_invalid_route_file_at_start_up_stops_the_gateway_with_code_2_naming_the_route_and_key(string file, string expected)
    {
        var (exitCode, output) = await TestGateway.RunProcessUntilExitAsync(file, TimeSpan.FromSeconds(30));

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(Regex.IsMatch(output, expected), Is.True, $"the output should match {expected}:\n{output}");
        Assert.That(output, Does.Not.Contain("   at "), "one clear line, not a stack trace");
    }
}
