using System.Net;
using Comet.TestSupport;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>What the client gets when the downstream is the problem.</summary>
public sealed class DownstreamFailureTests : AcceptanceTest
{
    [Test]
    public async Task A_stopped_downstream_is_a_502_problem()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));
        using (var before = await gateway.Client.GetAsync("/api/cards"))
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await downstream.StopAsync();
        using var response = await gateway.Client.GetAsync("/api/cards");

        await ProblemOf(response, 502);
        AssertSecurityHeaders(response, "502");
    }

    [Test]
    public async Task A_downstream_that_never_listened_is_a_502_problem_saying_the_connection_was_refused()
    {
        var gateway = InMemoryGateway(GatewayConfig.With(Route.ToClosedPort("/api/{everything}", "/{everything}", FreePort.Next())));

        using var response = await gateway.Client.GetAsync("/api/cards");

        var problem = await ProblemOf(response, 502);
        Assert.That(problem.Detail(), Does.Contain("refused").IgnoreCase);
    }
}
