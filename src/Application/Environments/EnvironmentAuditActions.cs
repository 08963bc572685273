using Comet.Application.Pipelines;
using Comet.Domain.Environments;

namespace Comet.Application.Environments;

/// <summary>Audit actions for environments and approvals: who loosened a rule, and who let a deploy through.</summary>
public static class EnvironmentAuditActions
{
    public const string Protected = "environment_protected";
    public const string Approved = "job_approved";
    public const string Rejected = "job_rejected";

    /// <summary>"production: 2 approvals, branches main, deploy lock, approvals time out after 1h".</summary>
    public static string Describe(DeploymentEnvironment environment)
    {
        var rules = new List<string> { $"{environment.RequiredApprovals} approval{(environment.RequiredApprovals == 1 ? "" : "s")}" };
        if (environment.RequiredApprovals > 0) rules.Add(environment.AllowSelfApproval ? "self-approval allowed" : "no self-approval");
        if (environment.Branches.Count > 0) rules.Add("branches " + string.Join(", ", environment.Branches));
        if (environment.Tags.Count > 0) rules.Add("tags " + string.Join(", ", environment.Tags));
        if (environment.DeployLock) rules.Add("deploy lock");
        if (environment.ApprovalTimeout is { } timeout) rules.Add($"approvals time out after {DurationParser.Format(timeout)}");
        return $"{environment.Name}: {string.Join(", ", rules)}";
    }
}
