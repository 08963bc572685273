namespace Comet.Domain.Identity;

/// <summary>One security event, appended and never changed: who did what to what, when and from where.</summary>
public sealed class AuditEvent
{
    private AuditEvent() { }

    public AuditEvent(string action, DateTime at, Guid? actorId, string? actorName, string? target, string? detail, string? clientAddress)
    {
        Id = Guid.CreateVersion7();
        Action = action;
        At = at;
        ActorId = actorId;
        ActorName = actorName;
        Target = target;
        Detail = detail;
        ClientAddress = clientAddress;
    }

    public Guid Id { get; private set; }

    /// <summary>login_succeeded, login_failed, token_created, … (see <see cref="AuditActions"/>).</summary>
    public string Action { get; private set; } = "";
    public DateTime At { get; private set; }
    public Guid? ActorId { get; private set; }

    /// <summary>The username as given, also for failed sign-ins of names that do not exist.</summary>
    public string? ActorName { get; private set; }

    /// <summary>What was acted on, e.g. "project:my-app" or "token:{id}".</summary>
    public string? Target { get; private set; }
    public string? Detail { get; private set; }
    public string? ClientAddress { get; private set; }
}

public static class AuditActions
{
    public const string LoginSucceeded = "login_succeeded";
    public const string LoginFailed = "login_failed";
    public const string LoginRefused = "login_refused";
    public const string Logout = "logout";
    public const string RefreshReuseDetected = "refresh_reuse_detected";
    public const string TokenCreated = "token_created";
    public const string TokenRevoked = "token_revoked";
    public const string UserCreated = "user_created";
    public const string PasswordChanged = "password_changed";
    public const string PasswordChangeFailed = "password_change_failed";
    public const string PasswordReset = "password_reset";
    public const string ExternalAccountLinked = "external_account_linked";
    public const string ProjectCreated = "project_created";
    public const string ProjectDeleted = "project_deleted";
    public const string WebhookSecretReplaced = "webhook_secret_replaced";
    public const string MemberAdded = "member_added";
    public const string MemberRoleChanged = "member_role_changed";
    public const string MemberRemoved = "member_removed";
}
