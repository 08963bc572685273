namespace Comet.Application.Common.Exceptions;

/// <summary>The caller is known but may not do this: 403.</summary>
public sealed class ForbiddenException(string message) : Exception(message);
