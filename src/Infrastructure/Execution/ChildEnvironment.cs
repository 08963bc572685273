using System.Collections;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// The environment of a program the server starts (git, a step), as the changes CliWrap makes to the server's own.
/// CliWrap only adds to and removes from the inherited environment, so every inherited variable that is not kept is
/// named with a null value. The server's environment holds its database password: nothing of it reaches a child
/// unless it is kept here by name.
/// </summary>
internal static class ChildEnvironment
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <param name="inherited">The server's environment (<see cref="Environment.GetEnvironmentVariables()"/>).</param>
    /// <param name="keep">Names whose inherited value the child keeps.</param>
    /// <param name="defaults">Values for names the child would otherwise not have (kept but not inherited, or not kept).</param>
    /// <param name="set">Values the child gets whatever the server has; they win over everything above.</param>
    public static IReadOnlyDictionary<string, string?> Of(IDictionary inherited, IReadOnlySet<string> keep,
        IEnumerable<KeyValuePair<string, string>> defaults, IEnumerable<KeyValuePair<string, string>> set)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in inherited)
        {
            if (variable.Key is string name && !keep.Contains(name))
                environment[name] = null;
        }
        foreach (var (name, value) in defaults)
        {
            if (!keep.Contains(name) || !inherited.Contains(name))
                environment[name] = value;
        }
        foreach (var (name, value) in set)
            environment[name] = value;
        return environment;
    }
}
