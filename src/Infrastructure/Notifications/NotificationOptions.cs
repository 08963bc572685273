using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Notifications;

/// <summary>Instance settings of the notification channels (section <c>Notifications</c>).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The Telegram Bot API root; another address only for a self-hosted Bot API server (or a test's fake).</summary>
    public string TelegramApiUrl { get; set; } = "https://api.telegram.org";

    public SmtpOptions Smtp { get; set; } = new();
}

/// <summary>The mail server email subscriptions send through; without a Host, email subscriptions are refused.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>auto (STARTTLS when offered), none, starttls (required), or ssl (TLS from the first byte, port 465).</summary>
    public string Security { get; set; } = "auto";
    public string From { get; set; } = "Comet <comet@localhost>";
    public string? Username { get; set; }
    public string? Password { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}

internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    private static readonly string[] Securities = ["auto", "none", "starttls", "ssl"];

    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.TelegramApiUrl, UriKind.Absolute, out var telegram) || telegram.Scheme is not ("http" or "https"))
            failures.Add($"Notifications:TelegramApiUrl must be an absolute http(s) address, not '{options.TelegramApiUrl}'.");
        if (options.Smtp.Port is < 1 or > 65535) failures.Add($"Notifications:Smtp:Port must be 1–65535, not {options.Smtp.Port}.");
        if (!Securities.Contains(options.Smtp.Security))
            failures.Add($"Notifications:Smtp:Security must be one of {string.Join(", ", Securities)}, not '{options.Smtp.Security}'.");
        if (!MimeKit.MailboxAddress.TryParse(options.Smtp.From, out _)) failures.Add($"Notifications:Smtp:From '{options.Smtp.From}' is not a mail address.");
        if (options.Smtp.Timeout <= TimeSpan.Zero) failures.Add("Notifications:Smtp:Timeout must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
