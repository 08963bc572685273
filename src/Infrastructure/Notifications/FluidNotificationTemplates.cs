using Comet.Application.Notifications;
using Fluid;

namespace Comet.Infrastructure.Notifications;

/// <summary>
/// Liquid through Fluid: templates are parsed once and cached by text; the model is plain dictionaries, so a template
/// reaches only the values Comet put there (no .NET member access).
/// </summary>
public sealed class FluidNotificationTemplates : INotificationTemplates
{
    private static readonly FluidParser Parser = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IFluidTemplate> _parsed = new();

    public string? ParseError(string template) => Parser.TryParse(template, out _, out var error) ? null : error;

    public string Render(string template, IReadOnlyDictionary<string, object?> model)
    {
        // Subscriptions bring few templates; previews may bring many: the cache never grows without bound.
        if (_parsed.Count > 500) _parsed.Clear();
        var parsed = _parsed.GetOrAdd(template, text => Parser.TryParse(text, out var t, out var error)
            ? t
            : throw new ArgumentException($"The template does not parse: {error}", nameof(template)));
        var context = new TemplateContext();
        foreach (var (name, value) in model) if (value is not null) context.SetValue(name, value);
        return parsed.Render(context).Trim();
    }
}
