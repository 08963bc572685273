using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Comet.TestSupport;

namespace Comet.EndToEnd;

/// <summary>
/// The README's "first pipeline" walkthrough, run as written: its bash blocks are taken from README.md in order and
/// run in one shell against an instance started with ./dev.sh start, and each block's answer is checked.
/// Editing the walkthrough so that a newcomer would trip fails this test.
/// </summary>
[NonParallelizable]
public partial class ReadmeWalkthroughTests
{
    private const string ReadmeGateway = "http://127.0.0.1:8080";
    private const string Section = "## Your first pipeline, in five minutes";

    private TempDirectory _dir = null!;
    private DevScript _comet = null!;

    [SetUp]
    public void NewInstance()
    {
        _dir = new TempDirectory("comet-readme");
        _comet = new DevScript(Path.Combine(_dir.Path, "data"), FreePort.Next(), FreePort.Next());
    }

    [TearDown]
    public async Task StopInstance()
    {
        await _comet.RunAsync("stop", TimeSpan.FromMinutes(1));
        _dir.Dispose();
    }

    [Test]
    public async Task The_first_pipeline_walkthrough_runs_as_written_and_each_step_answers_what_the_readme_says()
    {
        var start = await _comet.RunAsync("start");
        Assert.That(start.ExitCode, Is.EqualTo(0), start.Output);
        AssertStartPrintsWhatTheReadmeShows(start.Output);

        var blocks = WalkthroughBlocks(File.ReadAllText(Path.Combine(DevScript.RepositoryRoot, "README.md")));
        Assert.That(blocks, Has.Count.GreaterThanOrEqualTo(6), "the walkthrough's bash blocks");

        var answers = await RunInOneShellAsync(blocks);

        Assert.That(AnswerOf(blocks, answers, "/auth/login"), Does.Match(@"^eyJ[\w-]+\.\.\.$"), "step 1 prints the start of a JWT");

        var lint = JsonDocument.Parse(AnswerOf(blocks, answers, "/api/v1/lint")).RootElement;
        Assert.That(lint.TryGetProperty("valid", out var valid) && valid.GetBoolean(), Is.True, "the README's lint command: " + lint);
        Assert.That(lint.GetProperty("errors").GetArrayLength(), Is.Zero, lint.ToString());

        var project = JsonDocument.Parse(AnswerOf(blocks, answers, "/api/v1/projects")).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(project.GetProperty("slug").GetString(), Is.EqualTo("my-app"), project.ToString());
            Assert.That(project.GetProperty("repoUrl").GetString(), Does.StartWith("file:///").And.EndWith("/my-app"));
        });

        var push = JsonDocument.Parse(AnswerOf(blocks, answers, "github_push")).RootElement;
        Assert.That(push.TryGetProperty("runId", out var runId) && runId.ValueKind == JsonValueKind.String, Is.True,
            "the signed push started a run: " + push);

        var watched = AnswerOf(blocks, answers, "/tests");
        Assert.That(watched, Does.Contain("run #1: success"), watched);
        Assert.That(watched, Does.Contain("success  build"));
        Assert.That(watched, Does.Contain("success  test [SUITE=unit]"));
        Assert.That(watched, Does.Contain("success  test [SUITE=integration]"));
        var totals = JsonDocument.Parse(watched.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(totals.GetProperty("tests").GetInt32(), Is.EqualTo(4), totals.ToString());
            Assert.That(totals.GetProperty("passed").GetInt32(), Is.EqualTo(4), totals.ToString());
        });
    }

    [Test]
    public async Task Swagger_ui_answers_200_with_html_where_the_readme_points()
    {
        var start = await _comet.RunAsync("start");
        Assert.That(start.ExitCode, Is.EqualTo(0), start.Output);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _comet.GatewayUrl };
        using var swagger = await http.GetAsync("/swagger");
        Assert.Multiple(() =>
        {
            Assert.That(swagger.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the README's Swagger UI link answers without a redirect");
            Assert.That(swagger.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        });
    }

    /// <summary>The lines `./dev.sh start` prints, as the README shows them (with this instance's ports and folders).</summary>
    private void AssertStartPrintsWhatTheReadmeShows(string output)
    {
        var readme = File.ReadAllText(Path.Combine(DevScript.RepositoryRoot, "README.md"));
        var shown = Regex.Match(readme, "`./dev.sh start` prints:\\s*```\\n(?<lines>.*?)```", RegexOptions.Singleline);
        Assert.That(shown.Success, Is.True, "the README shows what ./dev.sh start prints");
        foreach (var line in shown.Groups["lines"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var expected = line
                .Replace(":8080", $":{_comet.GatewayPort}")
                .Replace(":5080", $":{_comet.OrchestratorPort}")
                .Replace("/path/to/repo/.comet", _comet.DataDir)
                .Replace("/path/to/repo", DevScript.RepositoryRoot);
            Assert.That(output, Does.Contain(expected.TrimEnd()), $"./dev.sh start prints the README's line '{line}'");
        }
    }

    /// <summary>The bash blocks of the walkthrough section, with the list item's indentation taken off (as a reader copies them).</summary>
    private static List<string> WalkthroughBlocks(string readme)
    {
        var from = readme.IndexOf(Section, StringComparison.Ordinal);
        Assert.That(from, Is.GreaterThanOrEqualTo(0), $"README.md has the section '{Section}'");
        var to = readme.IndexOf("\n## ", from + Section.Length, StringComparison.Ordinal);
        var section = readme[from..(to < 0 ? readme.Length : to)];

        var blocks = new List<string>();
        foreach (Match fence in BashFence().Matches(section))
        {
            var indent = fence.Groups["indent"].Value.Length;
            var lines = fence.Groups["body"].Value.Split('\n')
                .Select(line => line.Length >= indent && line[..indent].Trim().Length == 0 ? line[indent..] : line.TrimStart());
            blocks.Add(string.Join('\n', lines));
        }
        return blocks;
    }

    [GeneratedRegex(@"^(?<indent>[ ]*)```bash\n(?<body>.*?)\n[ ]*```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex BashFence();

    private const string Marker = "@@ readme block ";

    /// <summary>Runs the blocks in one bash (variables carry over, as in a reader's terminal); returns each block's output.</summary>
    private async Task<List<string>> RunInOneShellAsync(List<string> blocks)
    {
        var script = new StringBuilder("set -e -o pipefail\n");
        for (var i = 0; i < blocks.Count; i++)
            script.Append($"echo '{Marker}{i}'\n").Append(blocks[i].Replace(ReadmeGateway, _comet.GatewayUrl.ToString().TrimEnd('/'))).Append('\n');

        var home = Path.Combine(_dir.Path, "home");
        Directory.CreateDirectory(home);
        var info = new ProcessStartInfo("bash", ["-c", script.ToString()])
        {
            WorkingDirectory = DevScript.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["HOME"] = home;
        info.Environment["COMET_DATA_DIR"] = _comet.DataDir;
        // A reader's git knows who they are; this machine's may not.
        info.Environment["GIT_AUTHOR_NAME"] = info.Environment["GIT_COMMITTER_NAME"] = "Readme Reader";
        info.Environment["GIT_AUTHOR_EMAIL"] = info.Environment["GIT_COMMITTER_EMAIL"] = "reader@example.com";

        var (exitCode, output, stderr) = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(4), "the walkthrough");
        Assert.That(exitCode, Is.EqualTo(0), $"the walkthrough failed:\n{output}\n{stderr}");

        var answers = new List<string>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var begin = output.IndexOf($"{Marker}{i}\n", StringComparison.Ordinal);
            Assert.That(begin, Is.GreaterThanOrEqualTo(0), $"block {i} ran:\n{output}");
            begin += $"{Marker}{i}\n".Length;
            var end = output.IndexOf(Marker, begin, StringComparison.Ordinal);
            answers.Add(output[begin..(end < 0 ? output.Length : end)].Trim());
        }
        return answers;
    }

    /// <summary>The answer of the (last) block that contains <paramref name="marker"/>.</summary>
    private static string AnswerOf(List<string> blocks, List<string> answers, string marker)
    {
        var index = blocks.FindLastIndex(b => b.Contains(marker, StringComparison.Ordinal));
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"a walkthrough block uses {marker}");
        return answers[index];
    }
}
