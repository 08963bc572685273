namespace Comet.Domain.Common;

/// <summary>A rule of the domain was broken; the message says which, in words a user understands.</summary>
public class DomainException(string message) : Exception(message);

/// <summary>A status change that the state machine does not allow.</summary>
public sealed class InvalidTransitionException(string entity, string from, string to)
    : DomainException($"A {entity} cannot go from '{from}' to '{to}'.")
{
    public string Entity { get; } = entity;
    public string From { get; } = from;
    public string To { get; } = to;
}
