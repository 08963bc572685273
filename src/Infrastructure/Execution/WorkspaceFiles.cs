using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// Finds report and artifact files in a job's workspace, and places artifacts into one, never leaving it. The tree
/// is walked by hand so that every symbolic link is seen: a link is followed only when its fully resolved target
/// (every link on the way resolved, as the kernel would) stays inside the workspace; links that leave it are named
/// in a warning, and nothing is ever written through a link.
/// </summary>
public sealed class WorkspaceFiles : IWorkspaceFiles
{
    /// <summary>Entries looked at in one search, so a tree that links into itself many ways cannot run for hours.</summary>
    internal const int MaxEntries = 2_000_000;

    /// <summary>Warnings of one search; a workspace full of bad links gives a readable list, not thousands of lines.</summary>
    internal const int MaxWarnings = 50;

    public WorkspaceFileMatch Find(string workspace, IReadOnlyList<string> globs, int maxFiles = 10_000)
    {
        var warnings = new Warnings();
        var usable = new List<Glob>();
        foreach (var glob in globs)
        {
            if (Glob.Refusal(glob) is { } refusal) warnings.Add(refusal);
            else usable.Add(new Glob(glob));
        }
        var root = RealPath(Path.GetFullPath(workspace));
        if (usable.Count == 0 || root is null || !Directory.Exists(root))
            return new WorkspaceFileMatch([], usable.Select(g => g.Text).ToList(), warnings.ToList());

        var search = new Search(root, usable, Math.Max(0, maxFiles), warnings);
        search.Run();
        return new WorkspaceFileMatch(search.Files.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList(),
            usable.Where(g => !g.Matched).Select(g => g.Text).ToList(), warnings.ToList());
    }

    public Stream? TryCreate(string workspace, string relativePath, out string? refusal, bool executable = false)
    {
        refusal = null;
        if (string.IsNullOrWhiteSpace(relativePath) || relativePath.Contains('\0'))
        {
            refusal = $"'{relativePath}' is not a file path.";
            return null;
        }
        if (IsRooted(relativePath))
        {
            refusal = $"{relativePath} is an absolute path; only paths inside the workspace are written.";
            return null;
        }
        var segments = relativePath.Split('/', '\\').Where(s => s.Length > 0 && s != ".").ToArray();
        if (segments.Contains(".."))
        {
            refusal = $"{relativePath} has a '..' segment; only paths inside the workspace are written.";
            return null;
        }
        if (segments.Length == 0)
        {
            refusal = $"'{relativePath}' names no file.";
            return null;
        }
        try
        {
            var current = Path.GetFullPath(workspace);
            Directory.CreateDirectory(current);
            for (var i = 0; i < segments.Length; i++)
            {
                current = Path.Combine(current, segments[i]);
                var shown = string.Join('/', segments.Take(i + 1));
                var last = i == segments.Length - 1;
                if (new FileInfo(current).LinkTarget is not null)
                {
                    refusal = $"{relativePath} was not written: {shown} is a link, and nothing is written through links.";
                    return null;
                }
                if (last) break;
                if (Directory.Exists(current)) continue;
                if (File.Exists(current))
                {
                    refusal = $"{relativePath} was not written: {shown} is a file, not a folder.";
                    return null;
                }
                Directory.CreateDirectory(current);
            }
            if (Directory.Exists(current))
            {
                refusal = $"{relativePath} was not written: it is a folder in the workspace.";
                return null;
            }
            // Replace by unlinking and creating anew (O_EXCL) rather than truncating: a file hard-linked to one
            // outside the workspace is not written through, and a link slipped in since the check makes this fail.
            if (File.Exists(current)) File.Delete(current);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (executable && !OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            return new FileStream(current, options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            refusal = $"{relativePath} was not written: {ex.Message}";
            return null;
        }
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;

    private static bool IsRooted(string path) =>
        path[0] is '/' or '\\' || Path.IsPathRooted(path) || (path.Length >= 2 && path[1] == ':' && char.IsAsciiLetter(path[0]));

    /// <summary>
    /// The path with every link on the way resolved, like realpath(3): the component-by-component walk the kernel
    /// does, so "a/inner/x" where inner links to /etc is /etc/x, not a path inside the workspace. Missing components
    /// are kept as written. Null when the links loop (more than 40 hops) or cannot be read.
    /// </summary>
    internal static string? RealPath(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            var current = Path.GetPathRoot(full)!;
            var pending = new Stack<string>();
            PushSegments(pending, full[current.Length..]);
            var hops = 0;
            while (pending.TryPop(out var part))
            {
                if (part == ".") continue;
                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? current;
                    continue;
                }
                var next = Path.Combine(current, part);
                var target = new FileInfo(next).LinkTarget;
                if (target is null)
                {
                    current = next;
                    continue;
                }
                if (++hops > 40) return null;
                if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
                PushSegments(pending, Path.IsPathRooted(target) ? target[Path.GetPathRoot(target)!.Length..] : target);
            }
            return current;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }

        static void PushSegments(Stack<string> pending, string relative)
        {
            var parts = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            for (var i = parts.Length - 1; i >= 0; i--)
                if (parts[i].Length > 0) pending.Push(parts[i]);
        }
    }

    private sealed class Search(string root, List<Glob> globs, int maxFiles, Warnings warnings)
    {
        private readonly string _rootPrefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        private int _entries;
        private bool _cut;

        public List<WorkspaceFile> Files { get; } = [];

        /// <param name="Ancestors">Real paths of the folders on the way down, to notice a link back to one of them.</param>
        private sealed record Folder(string RelativePath, string RealPath, Ancestor Ancestors);

        /// <summary>A folder to list (no entry), or one entry of a listed folder to look at.</summary>
        private readonly record struct Step(Folder Folder, FileSystemInfo? Entry);

        private sealed record Ancestor(string RealPath, Ancestor? Parent)
        {
            public bool Contains(string path)
            {
                for (var a = this; a is not null; a = a.Parent)
                    if (string.Equals(a.RealPath, path, StringComparison.Ordinal)) return true;
                return false;
            }
        }

        public void Run()
        {
            // Depth first, each folder's entries in ordinal order of "name" for files and "name/" for folders: the
            // files come out in ordinal order of their whole relative paths, so a cut keeps the first ones.
            var pending = new Stack<Step>();
            pending.Push(new Step(new Folder("", root, new Ancestor(root, null)), null));
            while (pending.TryPop(out var step))
            {
                if (_cut && globs.All(g => g.Matched)) return; // nothing more to learn
                if (step.Entry is not null)
                {
                    Visit(step.Folder, step.Entry, pending);
                    continue;
                }
                var entries = Entries(step.Folder.RealPath);
                if (entries is null) continue;
                foreach (var entry in entries.OrderByDescending(e => e is DirectoryInfo ? e.Name + "/" : e.Name, StringComparer.Ordinal))
                    pending.Push(new Step(step.Folder, entry));
                _entries += entries.Count;
                if (_entries > MaxEntries)
                {
                    warnings.Add($"The workspace has more than {MaxEntries} entries to look at; the search stopped there.");
                    return;
                }
            }
        }

        private static List<FileSystemInfo>? Entries(string folder)
        {
            try
            {
                var options = new EnumerationOptions
                {
                    AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false, ReturnSpecialDirectories = false,
                };
                return new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null; // removed or unreadable meanwhile
            }
        }

        private void Visit(Folder parent, FileSystemInfo entry, Stack<Step> pending)
        {
            if (entry.Name == ".git") return;
            var relative = parent.RelativePath.Length == 0 ? entry.Name : parent.RelativePath + "/" + entry.Name;
            var real = Path.Combine(parent.RealPath, entry.Name);
            var isLink = entry.Attributes.HasFlag(FileAttributes.ReparsePoint) || entry.LinkTarget is not null;
            if (!isLink)
            {
                if (entry is DirectoryInfo)
                {
                    if (globs.Any(g => g.CouldMatchBelow(relative)))
                        pending.Push(new Step(new Folder(relative, real, new Ancestor(real, parent.Ancestors)), null));
                }
                else if (Matches(relative))
                {
                    Add(relative, real, ((FileInfo)entry).Length);
                }
                return;
            }

            if (entry is DirectoryInfo) // a link whose target is a folder
            {
                if (!globs.Any(g => g.CouldMatchBelow(relative))) return;
                var target = RealPath(real);
                if (target is null || !Directory.Exists(target))
                    warnings.Add($"{relative} is a link that cannot be resolved; it was not followed.");
                else if (!IsInside(target))
                    warnings.Add($"{relative} is a link to a place outside the workspace; it was not followed.");
                else if (parent.Ancestors.Contains(target))
                    warnings.Add($"{relative} is a link to a folder that contains it; it was not followed again.");
                else
                    pending.Push(new Step(new Folder(relative, target, new Ancestor(target, parent.Ancestors)), null));
                return;
            }

            if (!Matches(relative)) return; // a link to a file, or a broken link
            var file = RealPath(real);
            if (file is null || !File.Exists(file) || Directory.Exists(file))
                warnings.Add($"{relative} is a link that leads nowhere (broken, or a loop); it was not read.");
            else if (!IsInside(file))
                warnings.Add($"{relative} is a link to a place outside the workspace; it was not read.");
            else
                Add(relative, file, new FileInfo(file).Length);
        }

        private bool IsInside(string realPath) => realPath == root || realPath.StartsWith(_rootPrefix, StringComparison.Ordinal);

        /// <summary>Marks every glob that matches, so each one's "matched nothing" is known.</summary>
        private bool Matches(string relative)
        {
            var any = false;
            foreach (var glob in globs)
            {
                if (!GlobPattern.IsMatch(glob.Text, relative)) continue;
                glob.Matched = true;
                any = true;
            }
            return any;
        }

        private void Add(string relative, string fullPath, long size)
        {
            // Pipes, sockets and devices report size 0; reading a pipe would wait forever for a writer.
            if (size == 0 && FileKind.IsRegular(fullPath) == false)
            {
                warnings.Add($"{relative} is not a regular file (a pipe, socket or device); it was not read.");
                return;
            }
            if (Files.Count >= maxFiles)
            {
                if (!_cut) warnings.Add($"More than {maxFiles} files matched; only the first {maxFiles} (in path order) were kept.");
                _cut = true;
                return;
            }
            Files.Add(new WorkspaceFile(relative, fullPath, size, IsExecutable(fullPath)));
        }
    }

    private sealed class Glob(string text)
    {
        private readonly string[] _segments = Normalize(text).Split('/');

        public string Text { get; } = text;
        public bool Matched { get; set; }

        public static string? Refusal(string glob)
        {
            if (string.IsNullOrWhiteSpace(glob) || glob.Contains('\0')) return $"The glob '{glob}' is empty or not a path; it was not used.";
            if (IsRooted(glob)) return $"The glob '{glob}' is an absolute path; globs are relative to the workspace, so it was not used.";
            if (glob.Split('/', '\\').Contains("..")) return $"The glob '{glob}' has a '..' segment and could reach outside the workspace; it was not used.";
            return null;
        }

        // As GlobPattern reads a pattern: "./dist/**" is "dist/**", and "dist/" means everything below dist.
        private static string Normalize(string pattern)
        {
            var p = pattern;
            while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
            if (p.EndsWith('/')) p += "**";
            return p;
        }

        /// <summary>Whether some path below the folder could match: the folder's segments are a prefix of a match.</summary>
        public bool CouldMatchBelow(string folder)
        {
            var states = Closure([0]);
            foreach (var name in folder.Split('/'))
            {
                var next = new HashSet<int>();
                foreach (var i in states)
                {
                    if (i >= _segments.Length) continue;
                    if (_segments[i] == "**") next.Add(i);
                    else if (GlobPattern.IsMatch(_segments[i], name)) next.Add(i + 1);
                }
                if (next.Count == 0) return false;
                states = Closure(next);
            }
            return states.Any(i => i < _segments.Length);
        }

        /// <summary>A "**" may match no segment at all.</summary>
        private HashSet<int> Closure(HashSet<int> states)
        {
            var pending = new Stack<int>(states);
            while (pending.TryPop(out var i))
                if (i < _segments.Length && _segments[i] == "**" && states.Add(i + 1)) pending.Push(i + 1);
            return states;
        }
    }

    private sealed class Warnings
    {
        private readonly List<string> _list = [];
        private int _dropped;

        public void Add(string warning)
        {
            if (_list.Count < MaxWarnings) _list.Add(warning);
            else _dropped++;
        }

        public List<string> ToList() => _dropped == 0 ? [.. _list] : [.. _list, $"… and {_dropped} more warnings like these."];
    }

    /// <summary>
    /// Whether a path is a regular file. .NET does not say (a pipe looks like an empty file), so this asks stat(2)
    /// on Linux, reading st_mode where the kernel's struct stat keeps it. Null where that is not known.
    /// </summary>
    internal static class FileKind
    {
        private const uint TypeMask = 0xF000; // S_IFMT
        private const uint Regular = 0x8000;  // S_IFREG

        public static bool? IsRegular(string path)
        {
            if (!OperatingSystem.IsLinux()) return null;
            var modeOffset = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => 24,   // st_dev, st_ino, st_nlink (8 bytes each), st_mode
                Architecture.Arm64 => 16, // asm-generic: st_dev, st_ino, st_mode
                _ => -1,
            };
            if (modeOffset < 0) return null;
            var buffer = new byte[256]; // larger than struct stat on either
            try
            {
                if (stat(path, buffer) != 0) return null;
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                return null; // glibc before 2.33 exports only __xstat
            }
            return (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(modeOffset)) & TypeMask) == Regular;
        }

        // DllImport rather than LibraryImport: the source-generated form needs unsafe code enabled.
        [DllImport("libc", SetLastError = true)]
        private static extern int stat(string path, [Out] byte[] buffer);
    }
}
