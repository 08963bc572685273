using System.Text.Json;
using Comet.Application.Common.Exceptions;
using Comet.Domain.Common;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>Turns every exception into RFC 7807 problem+json; expected outcomes keep their words, the rest is logged.</summary>
public sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationException validation => ValidationProblem(validation),
            NotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Not found", notFound.Message),
            ConflictException conflict => Problem(StatusCodes.Status409Conflict, "Conflict", conflict.Message),
            UnauthorizedException unauthorized => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", unauthorized.Message),
            ForbiddenException forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", forbidden.Message),
            TooManyAttemptsException tooMany => Problem(StatusCodes.Status429TooManyRequests, "Too many requests", tooMany.Message),
            DomainException domain => Problem(StatusCodes.Status409Conflict, "Not allowed in the current state", domain.Message),
            BadHttpRequestException bad => Problem(bad.StatusCode, bad.StatusCode == 413 ? "Payload too large" : "Bad request", BadRequestDetail(bad)),
            Application.Webhooks.WebhookPayloadException payload => Problem(StatusCodes.Status400BadRequest, "Unreadable webhook payload", payload.Message),
            _ => null,
        };
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = Problem(StatusCodes.Status500InternalServerError, "Internal server error",
                $"Something went wrong on the server. It has been logged with trace id {httpContext.TraceIdentifier}.");
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (exception is UnauthorizedException) httpContext.Response.Headers.WWWAuthenticate = "Bearer";
        if (exception is TooManyAttemptsException refused)
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(refused.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static ValidationProblemDetails ValidationProblem(ValidationException validation)
    {
        var errors = validation.Errors
            .GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        return new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
            Detail = string.Join(" ", errors.Values.SelectMany(m => m)),
        };
    }

    // The framework's message names the parameter; the JSON reader's says where the body is broken.
    private static string BadRequestDetail(BadHttpRequestException bad) =>
        bad.InnerException is JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;
}
