namespace Comet.Application.Common.Exceptions;

/// <summary>The request clashes with what is already stored (a taken name, say). Maps to 409.</summary>
public sealed class ConflictException(string message) : Exception(message);
