using System.Globalization;
using YamlDotNet.Core;

namespace Comet.Application.Pipelines.Yaml;

/// <summary>
/// A YAML node that keeps where it starts. Unlike YamlDotNet's representation model, a mapping keeps
/// duplicate keys (so the linter can report each one with its place) and aliases are shared, not copied.
/// </summary>
internal abstract class YamlNode(Position start)
{
    public Position Start { get; } = start;

    /// <summary>
    /// About how many bytes the node would take written out with its aliases expanded: the text of its scalars plus
    /// one per node. Aliases are shared in the tree, but whatever copies the tree (a job's stored definition) pays this.
    /// </summary>
    public long ExpandedSize { get; internal set; } = 1;

    /// <summary>Words for messages: "a list", "a mapping", "'text'".</summary>
    public abstract string Describe();
}

internal sealed class YamlScalar(Position start, string text, bool isPlain) : YamlNode(start)
{
    public string Text { get; } = text;

    /// <summary>Unquoted; only plain scalars are null, booleans or numbers in YAML.</summary>
    public bool IsPlain { get; } = isPlain;

    public bool IsNull => IsPlain && Text is "" or "~" or "null" or "Null" or "NULL";

    public bool? AsBoolean() => !IsPlain ? null : Text switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    public int? AsInteger() =>
        IsPlain && int.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    // A quoted "true" is text in YAML; saying so explains why 'true or false' rejected it.
    public override string Describe() => IsNull ? "empty" : IsPlain ? $"'{Shorten(Text)}'" : $"\"{Shorten(Text)}\" (quoted, so text)";

    private static string Shorten(string text)
    {
        var firstLine = text.Split('\n')[0];
        return firstLine.Length <= 40 && firstLine.Length == text.Length ? text : firstLine[..Math.Min(40, firstLine.Length)] + "…";
    }
}

internal sealed class YamlList(Position start) : YamlNode(start)
{
    public List<YamlNode> Items { get; } = [];

    public override string Describe() => "a list";
}

internal sealed record YamlEntry(YamlNode Key, YamlNode Value);

internal sealed class YamlMap(Position start) : YamlNode(start)
{
    public List<YamlEntry> Entries { get; } = [];

    public override string Describe() => "a mapping";
}

/// <summary>Builds <see cref="YamlNode"/>s from YamlDotNet's parser events, with an explicit stack (no recursion, so no stack overflow on deep input).</summary>
internal static class YamlTreeReader
{
    // `<<: *defaults` copies keys; a budget keeps a small file from multiplying into millions of entries.
    private const int MergedEntryBudget = 100_000;

    // A pipeline needs about eight levels. YamlDotNet slows down more than linearly on deep nesting ("[[[[…"),
    // so stop early instead of letting one lint request burn a CPU for minutes.
    public const int MaxDepth = 64;

    private sealed class Frame(YamlNode node, string? anchor, Position? jobsKey = null)
    {
        public YamlNode Node { get; } = node;
        public string? Anchor { get; } = anchor;
        public YamlNode? PendingKey { get; set; }

        /// <summary>Set on the mapping under the top-level 'jobs' key: where that key is, for the jobs limit.</summary>
        public Position? JobsKey { get; } = jobsKey;
        public int JobNames { get; set; }
    }

    /// <summary>
    /// The root node of the single document, or null when the file holds no document or only a null. Also null
    /// when the file asks for more than <paramref name="limits"/> allow: its aliases expand past
    /// <see cref="PipelineOptions.MaxExpandedBytes"/>, or 'jobs' names more than <see cref="PipelineOptions.MaxJobsPerRun"/>.
    /// Reading stops right there, so refusing a huge file costs about as much as reading a file at the limit.
    /// </summary>
    public static YamlNode? Read(string text, DiagnosticList diagnostics, PipelineOptions limits)
    {
        var parser = new Parser(new StringReader(text));
        // Grows by each scalar and collection read and by each alias's whole size, so it is the size of the document
        // with aliases expanded; an anchor's size is within it already, which bounds it by twice the limit (no overflow).
        var expanded = 0L;
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        var mergeBudget = MergedEntryBudget;
        YamlNode? root = null;
        var documents = 0;
        var lastGood = Position.FileStart;

        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                lastGood = At(current.End);
                switch (current)
                {
                    case YamlDotNet.Core.Events.DocumentStart start:
                        if (++documents > 1)
                        {
                            diagnostics.Error(At(start.Start),
                                "the file holds more than one YAML document ('---'); a pipeline file is a single document");
                            return root;
                        }
                        break;
                    case YamlDotNet.Core.Events.Scalar scalar:
                    {
                        var node = new YamlScalar(At(scalar.Start), scalar.Value,
                            scalar.Style is ScalarStyle.Plain or ScalarStyle.Any) { ExpandedSize = scalar.Value.Length + 1 };
                        if (stack.TryPeek(out var jobs) && jobs is { JobsKey: { } jobsKey, PendingKey: null } && !node.Text.StartsWith('.')
                            && ++jobs.JobNames > limits.MaxJobsPerRun)
                        {
                            diagnostics.Error(jobsKey, $"'jobs' has more than {LimitText.Number(limits.MaxJobsPerRun)} jobs; {LimitText.JobsPerRun(limits)}");
                            return null;
                        }
                        expanded += node.ExpandedSize;
                        Remember(anchors, scalar.Anchor, node);
                        Add(node);
                        break;
                    }
                    case YamlDotNet.Core.Events.SequenceStart sequence:
                        if (stack.Count >= MaxDepth)
                        {
                            diagnostics.Error(At(sequence.Start), $"the file nests lists and mappings more than {MaxDepth} levels deep");
                            return null;
                        }
                        stack.Push(new Frame(new YamlList(At(sequence.Start)), AnchorOf(sequence.Anchor)));
                        expanded++;
                        break;
                    case YamlDotNet.Core.Events.MappingStart mapping:
                        if (stack.Count >= MaxDepth)
                        {
                            diagnostics.Error(At(mapping.Start), $"the file nests lists and mappings more than {MaxDepth} levels deep");
                            return null;
                        }
                        var underJobsKey = stack.Count == 1 && stack.Peek().PendingKey is YamlScalar { Text: "jobs" } key ? key.Start : (Position?)null;
                        stack.Push(new Frame(new YamlMap(At(mapping.Start)), AnchorOf(mapping.Anchor), underJobsKey));
                        expanded++;
                        break;
                    case YamlDotNet.Core.Events.SequenceEnd:
                    case YamlDotNet.Core.Events.MappingEnd:
                    {
                        var frame = stack.Pop();
                        if (frame.Node is YamlMap map) ApplyMerges(map, diagnostics, ref mergeBudget);
                        // Registered only now, so an alias inside its own anchor finds nothing instead of making a loop.
                        if (frame.Anchor is not null) anchors[frame.Anchor] = frame.Node;
                        Add(frame.Node);
                        break;
                    }
                    case YamlDotNet.Core.Events.AnchorAlias alias:
                    {
                        var name = alias.Value.Value;
                        if (anchors.TryGetValue(name, out var target))
                        {
                            expanded += target.ExpandedSize;
                            if (expanded > limits.MaxExpandedBytes)
                            {
                                diagnostics.Error(At(alias.Start), $"alias '*{name}' expands the file past the limit of {LimitText.Bytes(limits.MaxExpandedBytes)}"
                                    + $"{LimitText.Setting(nameof(PipelineOptions.MaxExpandedBytes))}; '&{name}' alone is {LimitText.Bytes(target.ExpandedSize)} "
                                    + "and every alias of it counts in full");
                                return null;
                            }
                            Add(target);
                        }
                        else
                        {
                            diagnostics.Error(At(alias.Start), $"alias '*{name}' refers to no anchor '&{name}' defined before it");
                            Add(new YamlScalar(At(alias.Start), "", isPlain: true));
                        }
                        break;
                    }
                }
            }
        }
        catch (YamlException ex)
        {
            // YamlDotNet places tab errors at the start of the file; the tab itself is what the user must find.
            var at = ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndentation(text) is { } tab ? tab : At(ex.Start);
            diagnostics.Error(at, $"YAML syntax error: {TrimPosition(ex.Message)}");
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner throws these on some broken flow collections ("a: [1, 2" followed by more keys).
            diagnostics.Error(lastGood, "YAML syntax error: the file stops being valid YAML after this point; is a '[' or '{' left open?");
            return null;
        }

        return root is YamlScalar { IsNull: true } ? null : root;

        void Add(YamlNode node)
        {
            if (stack.Count > 0) stack.Peek().Node.ExpandedSize += node.ExpandedSize;
            if (stack.Count == 0)
            {
                root = node;
                return;
            }
            var parent = stack.Peek();
            switch (parent.Node)
            {
                case YamlList list:
                    list.Items.Add(node);
                    break;
                case YamlMap map when parent.PendingKey is null:
                    parent.PendingKey = node;
                    break;
                case YamlMap map:
                    map.Entries.Add(new YamlEntry(parent.PendingKey, node));
                    parent.PendingKey = null;
                    break;
            }
        }
    }

    public static bool IsMergeKey(YamlNode key) => key is YamlScalar { IsPlain: true, Text: "<<" };

    /// <summary>
    /// YAML merge keys (<c>&lt;&lt;: *defaults</c>), as GitLab CI users write them: keys of the merged mappings
    /// are added where the merge stands, unless the mapping itself (or an earlier merge) has them.
    /// </summary>
    private static void ApplyMerges(YamlMap map, DiagnosticList diagnostics, ref int budget)
    {
        if (!map.Entries.Any(e => IsMergeKey(e.Key))) return;

        var present = new HashSet<string>(map.Entries
            .Where(e => !IsMergeKey(e.Key))
            .Select(e => e.Key).OfType<YamlScalar>().Select(k => k.Text), StringComparer.Ordinal);
        var merged = new List<YamlEntry>(map.Entries.Count);
        foreach (var entry in map.Entries)
        {
            if (!IsMergeKey(entry.Key))
            {
                merged.Add(entry);
                continue;
            }
            // `<<: [*a, *b]` merges several mappings; any other list is one wrong value.
            IEnumerable<YamlNode> sources = entry.Value is YamlList list && list.Items.Any(i => i is YamlMap) ? list.Items : [entry.Value];
            foreach (var source in sources)
            {
                if (source is not YamlMap sourceMap)
                {
                    // Reported where '<<' is used: the anchor may be far away and used correctly elsewhere.
                    diagnostics.Error(entry.Key.Start, $"'<<' merges mappings (e.g. '<<: *defaults'), but this is {source.Describe()}");
                    continue;
                }
                foreach (var inherited in sourceMap.Entries)
                {
                    if (inherited.Key is not YamlScalar key || !present.Add(key.Text)) continue;
                    if (--budget < 0)
                    {
                        diagnostics.Error(entry.Key.Start, "too many keys copied by '<<' merges in this file");
                        map.Entries.Clear();
                        map.Entries.AddRange(merged);
                        return;
                    }
                    merged.Add(inherited);
                }
            }
        }
        map.Entries.Clear();
        map.Entries.AddRange(merged);
    }

    private static void Remember(Dictionary<string, YamlNode> anchors, AnchorName anchor, YamlNode node)
    {
        if (AnchorOf(anchor) is { } name) anchors[name] = node;
    }

    private static Position? FirstTabIndentation(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indentation = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indentation);
            if (tab >= 0) return new Position(i + 1, tab + 1);
        }
        return null;
    }

    private static string? AnchorOf(AnchorName anchor) => anchor.IsEmpty ? null : anchor.Value;

    private static Position At(Mark mark) =>
        new((int)Math.Clamp(mark.Line, 1, int.MaxValue), (int)Math.Clamp(mark.Column, 1, int.MaxValue));

    // YamlDotNet puts "(Line: 3, Col: 5, Idx: 20) - (Line: ...): " before the text; the diagnostic has its own position.
    private static string TrimPosition(string message)
    {
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && marker >= 0 ? message[(marker + 3)..] : message;
    }
}
