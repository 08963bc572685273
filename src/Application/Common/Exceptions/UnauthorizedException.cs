namespace Comet.Application.Common.Exceptions;

/// <summary>The caller could not be identified (wrong password, bad or spent token): 401.</summary>
public sealed class UnauthorizedException(string message) : Exception(message);
