namespace Comet.Application.Common.Exceptions;

/// <summary>The thing asked for does not exist (or the caller may not know that it does). Maps to 404.</summary>
public sealed class NotFoundException(string resource, string key)
    : Exception($"No {resource} '{key}' was found.")
{
    public string Resource { get; } = resource;
    public string Key { get; } = key;
}
