using System.Collections;
using System.ComponentModel;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Comet.Application.Common.Interfaces;
using Microsoft.Extensions.Logging;

namespace Comet.Infrastructure.Git;

/// <summary>What one git command printed and how it ended.</summary>
public readonly record struct GitResult(int ExitCode, string Output, string Error);

/// <summary>
/// One git command as the server runs it. A mirror holds whatever a repository's history and, should anything ever
/// reach it, an attacker put there; the server's environment holds database passwords. So git runs with no hook, no
/// configuration but the repository's own (and the settings below win over that), only the protocols a project URL
/// may use, none of the server's environment beyond what finding programs, certificates and proxies needs, never a
/// prompt, and a time limit after which it is killed with its children.
/// </summary>
public sealed class GitProcess(TimeSpan timeLimit, ILogger logger)
{
    /// <summary>
    /// On every command line. The command line is read after every configuration file, so these win over a planted
    /// setting, and git hands them to the git processes it starts (upload-pack, a clone's checkout) through
    /// GIT_CONFIG_PARAMETERS.
    /// </summary>
    private static readonly string[] Settings =
    [
        "core.hooksPath=/dev/null", // no hook of any repository runs: a planted reference-transaction hook ran on fetch
        "core.fsmonitor=false", // a configured fsmonitor is a program git starts
        "credential.helper=", // the empty value clears every helper configured elsewhere
        // The schemes a project URL may use (ProjectRules); ext:: and remote helpers (foo::…) would start programs.
        "protocol.allow=never",
        "protocol.file.allow=always",
        "protocol.git.allow=always",
        "protocol.http.allow=always",
        "protocol.https.allow=always",
        "protocol.ssh.allow=always",
    ];

    /// <summary>All git may keep of the server's environment.</summary>
    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "LANG", "TZ", "TMPDIR",
        "SSL_CERT_FILE", "SSL_CERT_DIR",
        "http_proxy", "https_proxy", "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
        "SSH_AUTH_SOCK",
    };

    private static readonly (string Name, string Value)[] Added =
    [
        ("GIT_TERMINAL_PROMPT", "0"),
        ("GIT_ASKPASS", ""), // set but empty: git asks no program for a password, not even one named in a config file
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new"),
        ("LC_ALL", "C"), // git's messages in English: callers look for its words
    ];

    /// <summary>
    /// The environment for git, as changes to <paramref name="inherited"/> (the server's own): null removes a variable.
    /// CliWrap only adds to and removes from the inherited environment, so every variable not kept is named here.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ChildEnvironment(IDictionary inherited) =>
        Execution.ChildEnvironment.Of(inherited, Kept, [new("PATH", Execution.ChildEnvironment.DefaultPath)],
            Added.Select(a => KeyValuePair.Create(a.Name, a.Value)));

    /// <summary>
    /// Runs git with <paramref name="arguments"/>. With a <paramref name="gitDirectory"/> git uses that repository and
    /// no other: it never looks for one around its working folder, which is the root folder.
    /// </summary>
    public async Task<GitResult> RunAsync(string? gitDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var command = Cli.Wrap("git")
            .WithArguments(args =>
            {
                foreach (var setting in Settings) args.Add("-c").Add(setting);
                if (gitDirectory is not null) args.Add("--git-dir=" + gitDirectory);
                args.Add(arguments);
            })
            .WithWorkingDirectory("/")
            .WithEnvironmentVariables(ChildEnvironment(Environment.GetEnvironmentVariables()))
            .WithValidation(CommandResultValidation.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeLimit);
        BufferedCommandResult result;
        try
        {
            // Cancelling this token kills git and every process under it.
            result = await command.ExecuteBufferedAsync(Encoding.UTF8, Encoding.UTF8, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GitException($"git {arguments.FirstOrDefault()} did not finish within {timeLimit.TotalSeconds:0} s");
        }
        catch (Win32Exception ex)
        {
            throw new GitException($"git could not be started; is it installed? ({ex.Message})");
        }

        var error = result.StandardError.Trim();
        if (result.ExitCode != 0)
            logger.LogDebug("git {Command} exited {Code}: {Error}", arguments.FirstOrDefault(), result.ExitCode, error);
        return new GitResult(result.ExitCode, result.StandardOutput, error);
    }
}
