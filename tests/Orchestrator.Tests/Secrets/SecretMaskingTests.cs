using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Secrets;

/// <summary>
/// Real steps print a secret in every form a step might (raw, line by line, base64 in its variants and at the three
/// offsets, URL-encoded, JSON-escaped, slowly, across the reader's piece boundary); the stored log and the live stream
/// show none of them. The expected forms are made here with the tools' own rules, not with the masker's code.
/// </summary>
public sealed class SecretMaskingTests : PipelineTestBase
{
    // Spaces, '/', '+', '&', '=', a quote, a backslash, non-ASCII and three lines, the last too short to be masked.
    private static readonly string Value = $"Pa55 w/rd+&=é\"\\{Guid.NewGuid():N}\nsecond-line-{Guid.NewGuid():N}\nab";

    private async Task<RunView> RunWithSecretAsync(string pipeline, string value)
    {
        var (_, project) = await ProjectWithAsync(pipeline);
        using (var put = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/secrets/S", new { value }))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        var run = await Client.TriggerAndWaitAsync(project.Slug);
        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        return run;
    }

    /// <summary>The log as SSE data lines, read after the step ended: what a follower is sent.</summary>
    private async Task<string> ReadStreamAsync(RunView run, JobView job)
    {
        using var response = await Client.GetAsync(PipelineApi.LogPath(run, job, 0) + "?follow=true");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes);

    /// <summary>The characters of base64(prefix + value) made of the value's bits only: what a value at that offset always encodes to.</summary>
    private static string StableMiddle(int offset, byte[] value)
    {
        var encoded = Base64([.. new byte[offset], .. value, 0, 0]);
        var first = (int)Math.Ceiling(8 * offset / 6.0);
        var last = (8 * (offset + value.Length) - 6) / 6;
        return encoded[first..(last + 1)];
    }

    [Test]
    public async Task Every_printed_form_of_a_secret_is_masked_in_the_stored_log_and_the_live_stream()
    {
        var run = await RunWithSecretAsync("""
            jobs:
              leak:
                secrets: [S]
                steps:
                  - run: |
                      printf '%s\n' "$S"
                      printf '%s' "$S" | base64 -w0; echo
                      printf '%s' "$S" | base64 -w0 | tr '+/' '-_'; echo
                      printf '%s' "$S" | base64 -w0 | tr -d '='; echo
                      printf 'x%s' "$S" | base64 -w0; echo
                      printf 'xy%s' "$S" | base64 -w0; echo
                      printf 'xyz%s' "$S" | base64 -w0; echo
                      python3 -c 'import urllib.parse,os;print(urllib.parse.quote(os.environ["S"]))'
                      python3 -c 'import urllib.parse,os;print(urllib.parse.quote(os.environ["S"], safe=""))'
                      python3 -c 'import urllib.parse,os;print(urllib.parse.quote_plus(os.environ["S"]))'
                      python3 -c 'import json,os;print(json.dumps(os.environ["S"]))'
                      python3 -c 'import json,os;print(json.dumps(os.environ["S"], ensure_ascii=False))'
                      jq -n --arg s "$S" '$s'
                      jq -cn --arg s "$S" '{token: $s}'
                      echo done
            """, Value);
        var bytes = Encoding.UTF8.GetBytes(Value);
        var lines = Value.Split('\n');
        var forms = new Dictionary<string, string>
        {
            ["line 1"] = lines[0],
            ["line 2"] = lines[1],
            ["base64"] = Base64(bytes),
            ["base64 url-safe"] = Base64(bytes).Replace('+', '-').Replace('/', '_'),
            ["base64 unpadded"] = Base64(bytes).TrimEnd('='),
            ["base64 at offset 1"] = StableMiddle(1, bytes),
            ["base64 at offset 2"] = StableMiddle(2, bytes),
            ["base64 at offset 0 after 3 bytes"] = StableMiddle(0, bytes),
            ["url-encoded"] = Uri.EscapeDataString(Value),
            ["url-encoded, '/' kept"] = Uri.EscapeDataString(Value).Replace("%2F", "/"),
            ["form-encoded"] = Uri.EscapeDataString(Value).Replace("%20", "+"),
            ["json, ascii"] = JsonSerializer.Serialize(Value)[1..^1],
            ["json, relaxed"] = JsonSerializer.Serialize(Value, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })[1..^1],
            ["a long piece of the value"] = lines[0][4..],
        };

        var leak = run.Job("leak");
        var stored = await Client.ReadLogAsync(run, leak);
        var streamed = await ReadStreamAsync(run, leak);

        Assert.Multiple(() =>
        {
            foreach (var (what, form) in forms)
            {
                Assert.That(stored, Does.Not.Contain(form), $"{what} in the stored log");
                Assert.That(streamed, Does.Not.Contain(form), $"{what} in the stream");
            }
            var logLines = PipelineApi.LogLines(stored);
            Assert.That(logLines[^1], Is.EqualTo("done"), "the step ran to its end");
            Assert.That(logLines[..3], Is.EqualTo(new[] { "***", "***", "ab" }), "each line masked; a line under 4 characters is left");
            Assert.That(logLines.Count(l => l.Contains("***")), Is.EqualTo(15), string.Join("\n", logLines));
        });
    }

    [Test]
    public async Task A_secret_printed_in_two_writes_with_a_pause_between_is_masked()
    {
        var value = $"slow-{Guid.NewGuid():N}";
        var run = await RunWithSecretAsync("""
            jobs:
              slow:
                secrets: [S]
                steps:
                  - run: |
                      printf 'before %s' "${S:0:12}"
                      sleep 1
                      printf '%s after\n' "${S:12}"
            """, value);

        var log = await Client.ReadLogAsync(run, run.Job("slow"));

        Assert.That(log, Does.Not.Contain(value).And.Not.Contain(value[..12]).And.Not.Contain(value[12..]));
        Assert.That(PipelineApi.LogLines(log), Is.EqualTo(new[] { "before *** after" }));
    }

    [Test]
    public async Task A_secret_that_straddles_the_point_where_an_overlong_line_is_cut_is_masked()
    {
        var value = $"straddle-{Guid.NewGuid():N}";
        // The reader cuts lines every 16384 characters: the value starts 10 characters before the cut.
        var run = await RunWithSecretAsync("""
            jobs:
              long:
                secrets: [S]
                steps:
                  - run: |
                      head -c 16374 /dev/zero | tr '\0' a
                      printf '%s' "$S"
                      head -c 20000 /dev/zero | tr '\0' b
                      echo
            """, value);

        var log = await Client.ReadLogAsync(run, run.Job("long"));
        var joined = string.Concat(PipelineApi.LogLines(log));

        Assert.That(joined, Does.Not.Contain(value));
        Assert.That(joined, Does.Not.Contain(value[..10]).And.Not.Contain(value[10..]), "neither half was written on its own");
        Assert.That(joined, Is.EqualTo(new string('a', 16374) + "***" + new string('b', 20000)));
    }
}
