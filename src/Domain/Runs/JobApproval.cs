namespace Comet.Domain.Runs;

/// <summary>
/// One person's decision on a job that waits for approval (or, for a <c>when: manual</c> job, the click that starts it):
/// who, approve or reject, with their comment. One per person and job attempt; kept after the job ends, as its record.
/// </summary>
public sealed class JobApproval
{
    public const int MaxCommentLength = 2000;

    private JobApproval() { }

    public JobApproval(Job job, Guid userId, string username, bool approved, string? comment, DateTime now)
    {
        if (comment is { Length: > MaxCommentLength })
            throw new Common.DomainException($"A comment is at most {MaxCommentLength} characters.");
        Id = Guid.CreateVersion7();
        JobId = job.Id;
        RunId = job.RunId;
        UserId = userId;
        Username = username;
        Approved = approved;
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid JobId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid UserId { get; private set; }
    public string Username { get; private set; } = "";
    public bool Approved { get; private set; }
    public string? Comment { get; private set; }
    public DateTime CreatedAt { get; private set; }
}
