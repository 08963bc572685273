using System.Text;

namespace Comet.TestSupport;

/// <summary>Pipeline files from the limits issue: small to send, enormous to accept.</summary>
public static class HostilePipelines
{
    /// <summary>
    /// 1,000 aliases of one 100 KB value: a 102 KB file that became a 100 MB job row. With the default limit the
    /// 41st alias (line 45, column 9) is refused: the anchor and 40 aliases come to 4,100,067 bytes, one more passes 4 MiB.
    /// </summary>
    public static string AliasBomb()
    {
        var yaml = new StringBuilder(".big: &big \"").Append('x', 100_000).Append("\"\njobs:\n  build:\n    steps:\n");
        for (var i = 0; i < 1_000; i++) yaml.Append("      - *big\n");
        return yaml.ToString();
    }

    /// <summary>10,000 jobs, each fine on its own, each needing a job that does not exist (so reading any of them shows).</summary>
    public static string TenThousandJobs()
    {
        var yaml = new StringBuilder("jobs:\n");
        for (var i = 0; i < 10_000; i++) yaml.Append($"  job{i}:\n    needs: [nothing]\n    steps: [echo {i}]\n");
        return yaml.ToString();
    }
}
