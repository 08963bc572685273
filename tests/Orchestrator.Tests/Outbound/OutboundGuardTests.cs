using System.Net;
using Comet.Application.Outbound;
using Comet.Infrastructure.Outbound;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Tests.Outbound;

/// <summary>
/// Outbound calls refuse loopback, link-local and private addresses unless Outbound:AllowPrivateAddresses=true: checked on
/// the address connected to (after DNS), so the HTTP channel is tested sending for real.
/// </summary>
public sealed class OutboundGuardTests
{
    private static async Task<DeliveryOutcome> SendAsync(string url, bool allowPrivate)
    {
        using var http = new OutboundHttp(Options.Create(new OutboundOptions { AllowPrivateAddresses = allowPrivate }));
        var channel = new HttpOutboundChannel(http);
        var payload = System.Text.Json.JsonSerializer.Serialize(new HttpPayload("POST", url, new Dictionary<string, string>(), "{}"),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        return await channel.SendAsync(new OutboundMessage(null, OutboundKinds.Notification, OutboundChannels.Http, url, payload, "guard test")
            { DeliveryId = Guid.NewGuid() }, null, CancellationToken.None);
    }

    [Test]
    public async Task The_cloud_metadata_address_is_refused_as_link_local()
    {
        var outcome = await SendAsync("http://169.254.169.254/latest/meta-data/", allowPrivate: false);
        Assert.That(outcome.Result, Is.EqualTo(DeliveryResult.Rejected));
        Assert.That(outcome.Answer, Is.EqualTo($"refused: 169.254.169.254 is a link-local address (169.254.169.254); {OutboundAddressRules.Rule}"));
        Assert.That(outcome.StatusCode, Is.Null);
    }

    [Test]
    public async Task Loopback_is_refused_without_the_setting_and_reached_with_it()
    {
        await using var receiver = await FakeReceiver.StartAsync();

        var refused = await SendAsync(receiver.Url + "/x", allowPrivate: false);
        Assert.That(refused.Result, Is.EqualTo(DeliveryResult.Rejected));
        Assert.That(refused.Answer, Does.StartWith("refused: 127.0.0.1 is a loopback address"));
        Assert.That(receiver.Received, Is.Empty, "no connection was made");

        var allowed = await SendAsync(receiver.Url + "/x", allowPrivate: true);
        Assert.That(allowed.Result, Is.EqualTo(DeliveryResult.Delivered));
        Assert.That(allowed.StatusCode, Is.EqualTo(200));
        Assert.That(receiver.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_IPv4_mapped_loopback_address_is_refused()
    {
        var outcome = await SendAsync("http://[::ffff:127.0.0.1]/", allowPrivate: false);
        Assert.That(outcome.Result, Is.EqualTo(DeliveryResult.Rejected));
        Assert.That(outcome.Answer, Does.StartWith("refused: ::ffff:127.0.0.1 is a loopback address"));
    }

    [Test]
    public async Task A_name_that_resolves_to_loopback_is_refused_at_connect_time()
    {
        var outcome = await SendAsync("http://localhost:9/", allowPrivate: false);
        Assert.That(outcome.Result, Is.EqualTo(DeliveryResult.Rejected));
        Assert.That(outcome.Answer, Does.StartWith("refused: localhost is a loopback address"));
    }

    [Test]
    public async Task The_request_on_record_leaves_out_the_query_and_user_info()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        var outcome = await SendAsync($"http://someone:pw@127.0.0.1:{receiver.Port}/bot/send?token=abc", allowPrivate: true);
        Assert.That(outcome.Request, Is.EqualTo($"POST http://127.0.0.1:{receiver.Port}/bot/send"));
        Assert.That(receiver.Received.Single().Path, Is.EqualTo("/bot/send?token=abc"), "what is sent is the whole URL");
    }

    [Test]
    public async Task A_closed_port_is_worth_a_retry()
    {
        var outcome = await SendAsync($"http://127.0.0.1:{Comet.TestSupport.FreePort.Next()}/", allowPrivate: true);
        Assert.That(outcome.Result, Is.EqualTo(DeliveryResult.Retry));
        Assert.That(outcome.Answer, Does.Contain("refused"));
    }

    [TestCase("127.0.0.1", "a loopback address")]
    [TestCase("127.8.9.10", "a loopback address")]
    [TestCase("10.1.2.3", "a private address")]
    [TestCase("172.16.0.1", "a private address")]
    [TestCase("172.31.255.255", "a private address")]
    [TestCase("192.168.1.1", "a private address")]
    [TestCase("169.254.169.254", "a link-local address")]
    [TestCase("0.0.0.0", "an unspecified address")]
    [TestCase("224.0.0.1", "a multicast address")]
    [TestCase("::1", "a loopback address")]
    [TestCase("::", "an unspecified address")]
    [TestCase("fe80::1", "a link-local address")]
    [TestCase("fd00::1", "a private address")]
    [TestCase("fc00::1", "a private address")]
    [TestCase("ff02::1", "a multicast address")]
    [TestCase("::ffff:10.0.0.1", "a private address")]
    [TestCase("::ffff:169.254.169.254", "a link-local address")]
    [TestCase("8.8.8.8", null)]
    [TestCase("172.32.0.1", null)]
    [TestCase("140.82.112.3", null)]
    [TestCase("2606:4700::1111", null)]
    public void Each_address_range_is_refused_or_allowed(string address, string? refusal) =>
        Assert.That(OutboundAddressRules.Refusal(IPAddress.Parse(address)), Is.EqualTo(refusal));

    [TestCase("https://api.github.com", false, null)]
    [TestCase("http://127.0.0.1:8080/api", true, null)]
    [TestCase("http://127.0.0.1:8080/api", false, "apiUrl 'http://127.0.0.1:8080/api' points at a loopback address: " + OutboundAddressRules.Rule + ".")]
    [TestCase("http://169.254.169.254/", false, "apiUrl 'http://169.254.169.254/' points at a link-local address: " + OutboundAddressRules.Rule + ".")]
    [TestCase("http://[::ffff:127.0.0.1]/", false, "apiUrl 'http://[::ffff:127.0.0.1]/' points at a loopback address: " + OutboundAddressRules.Rule + ".")]
    [TestCase("http://localhost:3000", false, "apiUrl 'http://localhost:3000' points at a loopback address: " + OutboundAddressRules.Rule + ".")]
    [TestCase("ftp://example.com", false, "apiUrl must be an absolute http:// or https:// address.")]
    [TestCase("https://user:pw@example.com", false, "apiUrl must not hold a user name or password; credentials come from a secret.")]
    public void A_configured_url_is_checked_by_its_spelling(string url, bool allowPrivate, string? problem) =>
        Assert.That(OutboundAddressRules.CheckUrl(url, allowPrivate, "apiUrl"), Is.EqualTo(problem));
}
