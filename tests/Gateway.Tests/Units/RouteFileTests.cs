using Comet.Gateway.Configuration;
using static Comet.Gateway.Tests.Units.RouteFiles;

namespace Comet.Gateway.Tests.Units;

public sealed class RouteFileTests
{
    [Test]
    public void File_may_use_comments_trailing_commas_any_key_case_and_quoted_numbers()
    {
        const string json = """
            {
              // Ocelot users write files like this one.
              "routes": [
                {
                  "upstreamPathTemplate": "/api/v{version}/cards", /* inline */
                  "UPSTREAMHTTPMETHOD": [ "Get", "POST", ],
                  "DownstreamPathTemplate": "/cards/{version}",
                  "downstreamHostAndPorts": [ { "host": "127.0.0.1", "port": "5001" }, { "Host": "localhost", "Port": 5002 }, ],
                  "Priority": "4",
                  "RateLimitOptions": { "EnableRateLimiting": true, "Period": "5m", "PeriodTimespan": "30", "Limit": "100", },
                },
              ],
              "globalconfiguration": { "RequestIdKey": "X-Correlation-Id", },
            }
            """;

        var table = Build(json);

        var route = table.Routes.Single();
        Assert.That(route.Upstream.Text, Is.EqualTo("/api/v{version}/cards"));
        Assert.That(route.Methods, Is.EquivalentTo(new[] { "GET", "POST" }));
        Assert.That(route.Hosts.Select(h => h.ToString()), Is.EqualTo(new[] { "127.0.0.1:5001", "localhost:5002" }));
        Assert.That(route.Priority, Is.EqualTo(4));
        Assert.That(route.RateLimit?.Limit, Is.EqualTo(100));
        Assert.That(route.RateLimit?.Period, Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(route.RateLimit?.Ban, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(route.RequestIdKey, Is.EqualTo("X-Correlation-Id"));
        Assert.That(table.RequestIdKey, Is.EqualTo("X-Correlation-Id"));
    }

    [Test]
    public void Defaults_are_plain_http_any_method_and_the_first_host()
    {
        var route = Build(File(Route("/api/{id}"))).Routes.Single();

        Assert.That(route.DownstreamScheme, Is.EqualTo("http"));
        Assert.That(route.Methods, Is.Empty);
        Assert.That(route.Priority, Is.EqualTo(1));
        Assert.That(route.RateLimit, Is.Null);
        Assert.That(route.RequestIdKey, Is.EqualTo("X-Request-Id"));
        Assert.That(route.Resilience.Timeout, Is.EqualTo(TimeSpan.FromSeconds(100)), "Gateway:ResponseHeadersTimeout");
    }

    [Test]
    public void Catch_all_route_defaults_to_priority_zero()
    {
        Assert.That(Build(File(Route("/{everything}"))).Routes.Single().Priority, Is.Zero);
    }

    [Test]
    public void Orchestrator_service_routes_to_the_configured_orchestrator_url()
    {
        const string json = """
            { "Routes": [ { "UpstreamPathTemplate": "/api/{everything}", "DownstreamPathTemplate": "/{everything}", "ServiceName": "orchestrator" } ] }
            """;

        var route = Build(json).Routes.Single();

        Assert.That(route.Hosts.Single().ToString(), Is.EqualTo($"{OrchestratorUrl.Host}:{OrchestratorUrl.Port}"));
        Assert.That(route.DownstreamScheme, Is.EqualTo("http"));
    }

    [Test]
    public void Route_request_id_key_overrides_the_global_one()
    {
        var json = FileWithGlobal("""{ "RequestIdKey": "X-Global" }""",
            Route("/a", extra: """, "RequestIdKey": "X-Route" """),
            Route("/b"));

        var routes = Build(json).Routes.ToDictionary(r => r.Upstream.Text);

        Assert.That(routes["/a"].RequestIdKey, Is.EqualTo("X-Route"));
        Assert.That(routes["/b"].RequestIdKey, Is.EqualTo("X-Global"));
    }

    [Test]
    public void Invalid_json_names_line_and_position()
    {
        // The comma after "/a" is missing; the parser stops at the next property's opening quote.
        const string line3 = """    { "UpstreamPathTemplate": "/a" "DownstreamPathTemplate": "/" }""";
        var json = "{\n  \"Routes\": [\n" + line3 + "\n  ]\n}";

        var error = Assert.Throws<RouteFileException>(() => RouteTableBuilder.Parse(json, FileName));

        var position = line3.IndexOf("\"DownstreamPathTemplate\"", StringComparison.Ordinal) + 1;
        Assert.That(error!.Errors.Single(), Does.StartWith($"it is not valid JSON at line 3, position {position}"));
        Assert.That(error.Message, Does.StartWith("gateway.json is invalid: it is not valid JSON at line 3"));
    }

    [Test]
    public void Value_of_the_wrong_type_names_its_json_path()
    {
        var json = File(Route("/a").Replace("\"Port\": 5001", "\"Port\": \"five\""));

        var error = Assert.Throws<RouteFileException>(() => RouteTableBuilder.Parse(json, FileName));

        Assert.That(error!.Errors.Single(), Does.Contain("($.Routes[0].DownstreamHostAndPorts[0].Port)"));
    }

    [Test]
    public void Null_file_is_refused()
    {
        var error = Assert.Throws<RouteFileException>(() => RouteTableBuilder.Parse("null", FileName));

        Assert.That(error!.Errors, Is.EqualTo(new[] { "it is empty (null)." }));
    }

    [Test]
    public void Empty_file_is_refused_as_invalid_json()
    {
        var error = Assert.Throws<RouteFileException>(() => RouteTableBuilder.Parse("", FileName));

        Assert.That(error!.Errors.Single(), Does.StartWith("it is not valid JSON at line 1, position 1"));
    }

    [Test]
    public void Missing_hosts_names_the_route_and_key()
    {
        const string json = """
            { "Routes": [
              { "UpstreamPathTemplate": "/ok", "DownstreamPathTemplate": "/", "DownstreamHostAndPorts": [ { "Host": "a", "Port": 1 } ] },
              { "UpstreamPathTemplate": "/api/{everything}", "DownstreamPathTemplate": "/{everything}" }
            ] }
            """;

        Assert.That(ErrorsOf(json), Is.EqualTo(new[]
        {
            "Routes[1] (/api/{everything}): DownstreamHostAndPorts needs at least one host and port, or a ServiceName.",
        }));
    }

    // One defect per case; each must give exactly one line naming Routes[0], its template and the key.
    [TestCase(""", "DownstreamScheme": "ftp" """,
        "Routes[0] (/api/{id}): DownstreamScheme 'ftp' must be one of http, https, ws, wss.")]
    [TestCase(""", "LoadBalancerOptions": { "Type": "Random" } """,
        "Routes[0] (/api/{id}): LoadBalancerOptions.Type 'Random' is not a load balancer; use one of NoLoadBalancer, RoundRobin, LeastConnection.")]
    [TestCase(""", "Priority": -1 """,
        "Routes[0] (/api/{id}): Priority must be 0 or more, not -1.")]
    [TestCase(""", "UpstreamHttpMethod": [ "GET", "GE T" ] """,
        "Routes[0] (/api/{id}): UpstreamHttpMethod 'GE T' is not an HTTP method.")]
    [TestCase(""", "RateLimitOptions": { "EnableRateLimiting": true, "Period": "1w", "Limit": 3 } """,
        "Routes[0] (/api/{id}): RateLimitOptions.Period '1w' is not a period; write a number and ms, s, m, h or d, like 1s, 5m, 1h or 1d.")]
    [TestCase(""", "RateLimitOptions": { "EnableRateLimiting": true, "Limit": 3 } """,
        "Routes[0] (/api/{id}): RateLimitOptions.Period '' is not a period; write a number and ms, s, m, h or d, like 1s, 5m, 1h or 1d.")]
    [TestCase(""", "RateLimitOptions": { "EnableRateLimiting": true, "Period": "1s", "Limit": 0 } """,
        "Routes[0] (/api/{id}): RateLimitOptions.Limit must be at least 1, not 0.")]
    [TestCase(""", "RateLimitOptions": { "EnableRateLimiting": true, "Period": "1s", "Limit": 3, "PeriodTimespan": -1 } """,
        "Routes[0] (/api/{id}): RateLimitOptions.PeriodTimespan must be 0 or more seconds, not -1.")]
    [TestCase(""", "QoSOptions": { "ExceptionsAllowedBeforeBreaking": 1 } """,
        "Routes[0] (/api/{id}): QoSOptions.ExceptionsAllowedBeforeBreaking must be 0 (no breaker) or at least 2, not 1.")]
    [TestCase(""", "QoSOptions": { "ExceptionsAllowedBeforeBreaking": -3 } """,
        "Routes[0] (/api/{id}): QoSOptions.ExceptionsAllowedBeforeBreaking must be 0 (no breaker) or at least 2, not -3.")]
    [TestCase(""", "QoSOptions": { "ExceptionsAllowedBeforeBreaking": 3, "DurationOfBreak": 100 } """,
        "Routes[0] (/api/{id}): QoSOptions.DurationOfBreak must be at least 500 (milliseconds), not 100.")]
    [TestCase(""", "QoSOptions": { "TimeoutValue": 5 } """,
        "Routes[0] (/api/{id}): QoSOptions.TimeoutValue must be between 10 and 86400000 (milliseconds), not 5.")]
    [TestCase(""", "QoSOptions": { "TimeoutValue": 86400001 } """,
        "Routes[0] (/api/{id}): QoSOptions.TimeoutValue must be between 10 and 86400000 (milliseconds), not 86400001.")]
    [TestCase(""", "AuthenticationOptions": { "AuthenticationProviderKey": "Bearer" } """,
        "Routes[0] (/api/{id}): AuthenticationOptions.AuthenticationProviderKey 'Bearer' needs JWT validation configured (Gateway:Jwt:JwksFile or Gateway:Jwt:JwksUrl).")]
    [TestCase(""", "RouteClaimsRequirement": { "role": "admin" } """,
        "Routes[0] (/api/{id}): RouteClaimsRequirement needs AuthenticationOptions.AuthenticationProviderKey: claims come from a checked token.")]
    [TestCase(""", "AddHeadersToRequest": { "X-User": "Claims[sub] > value" } """,
        "Routes[0] (/api/{id}): AddHeadersToRequest needs AuthenticationOptions.AuthenticationProviderKey: claims come from a checked token.")]
    public void Route_defect_is_reported_with_route_and_key(string extra, string expected)
    {
        Assert.That(ErrorsOf(File(Route("/api/{id}", "/x/{id}", extra))), Is.EqualTo(new[] { expected }));
    }

    [TestCase("""{ "Host": "127.0.0.1", "Port": 0 }""", "DownstreamHostAndPorts[0].Port must be between 1 and 65535, not 0.")]
    [TestCase("""{ "Host": "127.0.0.1", "Port": 65536 }""", "DownstreamHostAndPorts[0].Port must be between 1 and 65535, not 65536.")]
    [TestCase("""{ "Port": 80 }""", "DownstreamHostAndPorts[0].Host '' is not a host name or address.")]
    [TestCase("""{ "Host": "bad host!", "Port": 80 }""", "DownstreamHostAndPorts[0].Host 'bad host!' is not a host name or address.")]
    public void Bad_host_and_port_is_reported_with_route_and_key(string hostAndPort, string expected)
    {
        var json = File($$"""{ "UpstreamPathTemplate": "/a", "DownstreamPathTemplate": "/", "DownstreamHostAndPorts": [ {{hostAndPort}} ] }""");

        Assert.That(ErrorsOf(json), Is.EqualTo(new[] { "Routes[0] (/a): " + expected }));
    }

    [Test]
    public void Unknown_service_name_lists_the_known_ones()
    {
        var json = File("""{ "UpstreamPathTemplate": "/a", "DownstreamPathTemplate": "/", "ServiceName": "billing" }""");

        Assert.That(ErrorsOf(json), Is.EqualTo(new[] { "Routes[0] (/a): ServiceName 'billing' is not a known service; known: orchestrator." }));
    }

    [Test]
    public void Service_name_and_hosts_together_are_refused()
    {
        var json = File(Route("/a", extra: """, "ServiceName": "orchestrator" """));

        Assert.That(ErrorsOf(json), Is.EqualTo(new[] { "Routes[0] (/a): ServiceName and DownstreamHostAndPorts exclude each other; give one." }));
    }

    [Test]
    public void Unknown_authentication_scheme_lists_the_configured_ones()
    {
        var json = File(Route("/a", extra: """, "AuthenticationOptions": { "AuthenticationProviderKey": "Okta" } """));

        Assert.That(ErrorsOf(json, WithJwt), Is.EqualTo(new[]
        {
            "Routes[0] (/a): AuthenticationOptions.AuthenticationProviderKey 'Okta' is not a configured scheme; known: Bearer.",
        }));
    }

    [Test]
    public void Claims_checks_and_headers_are_accepted_with_authentication()
    {
        var json = File(Route("/a", extra: """
            , "AuthenticationOptions": { "AuthenticationProviderKey": "Bearer" },
              "RouteClaimsRequirement": { "role": "admin" },
              "AddHeadersToRequest": { "X-User": "Claims[sub] > value", "X-Team": "Claims[groups] > value[1] > |" }
            """));

        var route = Build(json, WithJwt).Routes.Single();

        Assert.That(route.AuthenticationScheme, Is.EqualTo("Bearer"));
        Assert.That(route.RequiredClaims, Is.EqualTo(new Dictionary<string, string> { ["role"] = "admin" }));
        Assert.That(route.ClaimHeaders, Is.EquivalentTo(new[]
        {
            new Comet.Gateway.Routing.ClaimHeader("X-User", "sub", null, null),
            new Comet.Gateway.Routing.ClaimHeader("X-Team", "groups", 1, "|"),
        }));
    }

    [Test]
    public void Bad_claim_header_expression_names_the_header()
    {
        var json = File(Route("/a", extra: """
            , "AuthenticationOptions": { "AuthenticationProviderKey": "Bearer" }, "AddHeadersToRequest": { "X-User": "Claims[sub]" }
            """));

        Assert.That(ErrorsOf(json, WithJwt), Is.EqualTo(new[]
        {
            "Routes[0] (/a): AddHeadersToRequest.X-User 'Claims[sub]' is not a claim reference; write 'Claims[type] > value' or 'Claims[type] > value[index] > delimiter'.",
        }));
    }

    [TestCase("api/x", "/", "UpstreamPathTemplate 'api/x' must start with '/'.")]
    [TestCase("/api/{id", "/", "UpstreamPathTemplate '/api/{id' has a '{' without its '}'.")]
    [TestCase("/api/{id}", "/x/{name}", "DownstreamPathTemplate '/x/{name}' uses {name}, which UpstreamPathTemplate '/api/{id}' does not define.")]
    [TestCase("/api/{id}", "x", "DownstreamPathTemplate 'x' must start with '/'.")]
    public void Bad_template_is_reported_with_route_and_key(string upstream, string downstream, string expected)
    {
        Assert.That(ErrorsOf(File(Route(upstream, downstream))), Is.EqualTo(new[] { $"Routes[0] ({upstream}): {expected}" }));
    }

    [Test]
    public void Missing_templates_are_reported()
    {
        var json = File("""{ "DownstreamHostAndPorts": [ { "Host": "a", "Port": 1 } ] }""");

        Assert.That(ErrorsOf(json), Is.EqualTo(new[]
        {
            "Routes[0] (no UpstreamPathTemplate): UpstreamPathTemplate is required.",
            "Routes[0] (no UpstreamPathTemplate): DownstreamPathTemplate is required.",
        }));
    }

    [Test]
    public void Period_too_long_to_count_is_a_route_error()
    {
        // A typo like "99999999999d" must be a clear "Routes[0] ..." line, not an exception that stops the gateway
        // (or, on hot reload, its timer thread).
        var json = File(Route("/a", extra: """, "RateLimitOptions": { "EnableRateLimiting": true, "Period": "99999999999d", "Limit": 3 } """));

        var errors = ErrorsOf(json);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith("Routes[0] (/a): RateLimitOptions.Period "));
    }

    [Test]
    public void Ban_too_long_to_count_is_a_route_error()
    {
        var json = File(Route("/a", extra: """, "RateLimitOptions": { "EnableRateLimiting": true, "Period": "1s", "Limit": 3, "PeriodTimespan": 1e300 } """));

        var errors = ErrorsOf(json);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith("Routes[0] (/a): RateLimitOptions.PeriodTimespan "));
    }

    [TestCase("9999999d", 0)]
    [TestCase("1s", 5e11)]
    public void Accepted_rate_limit_can_always_be_counted(string period, double banSeconds)
    {
        // Either the builder refuses the numbers, or requests under them are counted without an exception.
        var json = File(Route("/a", extra: $$""", "RateLimitOptions": { "EnableRateLimiting": true, "Period": "{{period}}", "Limit": 1, "PeriodTimespan": {{banSeconds}} } """));
        Comet.Gateway.Routing.RouteTable table;
        try
        {
            table = Build(json);
        }
        catch (RouteFileException refused)
        {
            Assert.That(refused.Errors.Single(), Does.StartWith("Routes[0] (/a): RateLimitOptions."));
            return;
        }
        var counter = new Comet.Gateway.RateLimiting.LocalWindowCounter(new ManualClock());
        var rule = table.Routes.Single().RateLimit!;

        Assert.That(async () =>
        {
            await counter.HitAsync("client", rule, CancellationToken.None);
            await counter.HitAsync("client", rule, CancellationToken.None);
        }, Throws.Nothing);
    }

    [Test]
    public void Placeholder_name_with_a_leading_digit_builds_a_working_route()
    {
        // Names are "letters, digits and '_'"; anything but a table or a RouteFileException would stop the gateway
        // (or, on hot reload, its timer thread).
        var table = Build(File(Route("/cards/{1st}", "/c/{1st}")));

        var match = table.Match("GET", "/cards/abc");
        Assert.That(match?.Route.Downstream.Fill(match.Values, false), Is.EqualTo("/c/abc"));
    }

    [Test]
    public void Global_status_code_outside_4xx_and_5xx_is_refused()
    {
        var json = FileWithGlobal("""{ "RateLimitOptions": { "HttpStatusCode": 200 } }""", Route("/a"));

        Assert.That(ErrorsOf(json), Is.EqualTo(new[] { "GlobalConfiguration.RateLimitOptions.HttpStatusCode must be between 400 and 599, not 200." }));
    }

    [TestCase("Over {2}!")]
    [TestCase("Over {limit}!")]
    [TestCase("Over { !")]
    public void Quota_message_with_placeholders_other_than_0_and_1_is_refused(string message)
    {
        var json = FileWithGlobal($$"""{ "RateLimitOptions": { "QuotaExceededMessage": "{{message}}" } }""", Route("/a"));

        Assert.That(ErrorsOf(json), Is.EqualTo(new[]
        {
            "GlobalConfiguration.RateLimitOptions.QuotaExceededMessage may use {0} (limit) and {1} (period) only; escape other braces as {{ }}.",
        }));
    }

    [Test]
    public void Base_url_must_be_absolute()
    {
        var json = FileWithGlobal("""{ "BaseUrl": "gateway.local" }""", Route("/a"));

        Assert.That(ErrorsOf(json), Is.EqualTo(new[] { "GlobalConfiguration.BaseUrl 'gateway.local' is not an absolute URL." }));
    }

    [Test]
    public void Every_error_of_the_file_is_reported_at_once()
    {
        var json = FileWithGlobal("""{ "RateLimitOptions": { "HttpStatusCode": 99 } }""",
            """{ "UpstreamPathTemplate": "/a", "DownstreamPathTemplate": "/", "DownstreamHostAndPorts": [ { "Host": "h", "Port": 0 } ] }""",
            Route("/fine"),
            Route("/b", extra: """, "DownstreamScheme": "gopher", "RateLimitOptions": { "EnableRateLimiting": true, "Period": "1s", "Limit": 0 } """));

        var error = Assert.Throws<RouteFileException>(() => Build(json))!;

        Assert.That(error.Errors, Is.EquivalentTo(new[]
        {
            "GlobalConfiguration.RateLimitOptions.HttpStatusCode must be between 400 and 599, not 99.",
            "Routes[0] (/a): DownstreamHostAndPorts[0].Port must be between 1 and 65535, not 0.",
            "Routes[2] (/b): DownstreamScheme 'gopher' must be one of http, https, ws, wss.",
            "Routes[2] (/b): RateLimitOptions.Limit must be at least 1, not 0.",
        }));
        foreach (var line in error.Errors) Assert.That(error.Message, Does.Contain(line));
    }

    [Test]
    public void A_route_body_limit_is_read_and_must_be_positive()
    {
        var table = Build(File(Route("/hooks/{everything}", extra: """, "MaxRequestBodyBytes": 26214400 """)));
        var errors = ErrorsOf(File(Route("/hooks/{everything}", extra: """, "MaxRequestBodyBytes": 0 """)));

        Assert.That(table.Routes.Single().MaxRequestBodyBytes, Is.EqualTo(26_214_400));
        Assert.That(errors, Has.Some.Contains("MaxRequestBodyBytes must be at least 1"));
    }

    [Test]
    public void The_shipped_route_file_refuses_bodies_the_orchestrator_would_refuse()
    {
        var table = Build(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "gateway.json")));

        var limits = table.Routes.ToDictionary(r => r.Upstream.Text, r => r.MaxRequestBodyBytes);
        Assert.Multiple(() =>
        {
            Assert.That(limits["/hooks/{everything}"], Is.EqualTo(25L * 1024 * 1024), "the orchestrator's Webhooks:MaxBodyBytes");
            Assert.That(limits["/api/{everything}"], Is.EqualTo(30_000_000), "Kestrel's default limit in the orchestrator");
            Assert.That(limits["/auth/{everything}"], Is.EqualTo(30_000_000));
        });
    }
}
