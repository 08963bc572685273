namespace Comet.Application.Notifications;

/// <summary>Liquid templates for notification text (Infrastructure renders them with Fluid).</summary>
public interface INotificationTemplates
{
    /// <summary>Null when <paramref name="template"/> parses; else why not, with its line and column.</summary>
    string? ParseError(string template);

    /// <summary>The template filled with <paramref name="model"/> (nested dictionaries of strings, numbers and booleans).</summary>
    string Render(string template, IReadOnlyDictionary<string, object?> model);
}
