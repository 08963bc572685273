using System.Text;
using Comet.Application.Common.Validation;
using Comet.Domain.Secrets;
using FluentValidation;

namespace Comet.Application.Secrets;

/// <summary>The one set of rules for secret names, values and environment names, used by every command that sets one.</summary>
public static class SecretRules
{
    public const string NameRule = "A secret name is A-Z, 0-9 and _, not starting with a digit, up to 128 characters (like DEPLOY_TOKEN).";

    public static IRuleBuilderOptions<T, string?> SecretName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(Secret.IsValidName).WithMessage((_, name) => $"'{name}' is not a secret name. {NameRule}");

    /// <summary>
    /// Not empty (an empty secret would mask nothing and hide a mistake), at most 64 KiB of UTF-8, and without NUL
    /// unless it becomes a file: an environment variable cannot hold one.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> SecretValue<T>(this IRuleBuilder<T, string?> rule, Func<T, bool> asFile) =>
        rule.NotEmpty().WithMessage("'value' is required and may not be empty; values are write-only, so send it whole.")
            .Must(v => v is null || Encoding.UTF8.GetByteCount(v) <= Secret.MaxValueBytes)
            .WithMessage(_ => $"'value' is longer than {Secret.MaxValueBytes / 1024} KiB (in UTF-8).")
            .Must((request, v) => asFile(request) || v is null || !v.Contains('\0'))
            .WithMessage("'value' holds a NUL character, which an environment variable cannot carry; set 'file': true to give it as a file.");

    public static IRuleBuilderOptions<T, string?> EnvironmentName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(e => e is null || (e.Trim().Length > 0 && e == e.Trim() && e.Length <= Secret.MaxEnvironmentLength))
            .WithMessage($"'environment' is the name of an environment: 1 to {Secret.MaxEnvironmentLength} characters, no spaces around it.")
            .PlainDisplayText();

    public static string ScopeName(SecretScope scope) => scope.ToString().ToLowerInvariant();
}
