namespace Comet.Application.Common.Security;

/// <summary>Only admins may send this request; checked once, by the authorization behaviour.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresAdminAttribute : Attribute;
