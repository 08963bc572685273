using Comet.Gateway.Configuration;
using Comet.Gateway.Routing;

namespace Comet.Gateway.Tests.Units;

/// <summary>Route files written as JSON, the way operators write them, compiled by the real parser and builder.</summary>
internal static class RouteFiles
{
    public const string FileName = "gateway.json";

    public static readonly Uri OrchestratorUrl = new("http://10.1.2.3:7100");

    /// <summary>A gateway without JWT validation configured.</summary>
    public static readonly RouteFileContext WithoutJwt = new(
        new Dictionary<string, Uri> { ["orchestrator"] = OrchestratorUrl },
        new HashSet<string>(),
        TimeSpan.FromSeconds(100));

    /// <summary>A gateway with the "Bearer" scheme configured.</summary>
    public static readonly RouteFileContext WithJwt = WithoutJwt with { AuthenticationSchemes = new HashSet<string> { "Bearer" } };

    public static RouteTable Build(string json, RouteFileContext? context = null) =>
        RouteTableBuilder.Build(RouteTableBuilder.Parse(json, FileName), FileName, context ?? WithoutJwt);

    public static IReadOnlyList<string> ErrorsOf(string json, RouteFileContext? context = null) =>
        Assert.Throws<RouteFileException>(() => Build(json, context))!.Errors;

    /// <summary>One route with a host, plus any extra properties (a JSON fragment starting with a comma).</summary>
    public static string Route(string upstream, string downstream = "/", string extra = "") => $$"""
        {
          "UpstreamPathTemplate": "{{upstream}}",
          "DownstreamPathTemplate": "{{downstream}}",
          "DownstreamHostAndPorts": [ { "Host": "127.0.0.1", "Port": 5001 } ]{{extra}}
        }
        """;

    public static string File(params string[] routes) => $$"""{ "Routes": [ {{string.Join(",\n", routes)}} ] }""";

    public static string FileWithGlobal(string global, params string[] routes) =>
        $$"""{ "Routes": [ {{string.Join(",\n", routes)}} ], "GlobalConfiguration": {{global}} }""";
}
