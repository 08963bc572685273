using System.Text.Json;
using System.Text.Json.Serialization;
using Comet.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>JSON, errors and Swagger: how the API speaks, set up once.</summary>
public static class ApiSetup
{
    public static IServiceCollection AddCometApi(this IServiceCollection services)
    {
        // camelCase properties (the default) and lowercase snake_case enums: "waiting_for_approval".
        services.Configure<JsonOptions>(o =>
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)));

        // Malformed JSON bodies throw, so the exception handler answers with problem+json and a detail.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        services.AddCometProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Comet API",
                Version = "v1",
                Description = "Self-hosted CI/CD: projects, runs, logs and webhooks.",
            });
            o.SupportNonNullableReferenceTypes();
            o.AddSecurityDefinition(BearerSecurityFilter.SchemeName, BearerSecurityFilter.Scheme);
            o.OperationFilter<BearerSecurityFilter>();
            o.OperationFilter<ExamplesOperationFilter>();
        });
        return services;
    }

    public static WebApplication UseCometApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty error answers (unknown route, wrong method) get a problem+json body too.
        app.UseStatusCodePages();
        app.UseContentSecurityPolicyOnHtml();
        app.UseSwaggerUiAtItsRoot();
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.DocumentTitle = "Comet API";
            // From the site root: the page's own address is /swagger or /swagger/index.html, and a relative one would differ.
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "Comet API v1");
            o.IndexStream = SwaggerUiPage.WithBaseAddress(o.IndexStream);
        });
        return app;
    }
}
