using Comet.Application.Common.Security;
using MediatR;
using Microsoft.Extensions.Options;

namespace Comet.Application.Pipelines.Queries;

/// <summary>Lints a pipeline file without running anything (the lint endpoint and the CLI use it).</summary>
[RequiresSignIn]
public sealed record LintPipelineQuery(string Yaml) : IRequest<LintResult>;

public sealed record LintResult(bool Valid, IReadOnlyList<PipelineDiagnostic> Errors, IReadOnlyList<PipelineDiagnostic> Warnings);

/// <summary>Lints with the server's <see cref="PipelineOptions"/>, so a file that passes here is not refused by a run.</summary>
public sealed class LintPipelineHandler(IOptions<PipelineOptions> limits) : IRequestHandler<LintPipelineQuery, LintResult>
{
    public Task<LintResult> Handle(LintPipelineQuery request, CancellationToken cancellationToken)
    {
        var result = PipelineParser.Parse(request.Yaml, limits.Value);
        return Task.FromResult(new LintResult(
            !result.HasErrors,
            result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList(),
            result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).ToList()));
    }
}
