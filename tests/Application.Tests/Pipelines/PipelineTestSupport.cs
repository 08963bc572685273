using Comet.Application.Pipelines;

namespace Comet.Application.Tests.Pipelines;

internal static class PipelineTestSupport
{
    public static PipelineDefinition ParseValid(string yaml)
    {
        var result = PipelineParser.Parse(yaml);
        Assert.That(Errors(result), Is.Empty, "the pipeline should have no errors");
        Assert.That(result.Pipeline, Is.Not.Null);
        return result.Pipeline!;
    }

    public static IReadOnlyList<PipelineDiagnostic> Errors(string yaml) => Errors(PipelineParser.Parse(yaml));

    public static IReadOnlyList<PipelineDiagnostic> Warnings(string yaml) =>
        PipelineParser.Parse(yaml).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).ToList();

    public static IReadOnlyList<PipelineDiagnostic> Errors(PipelineParseResult result) =>
        result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    public static PipelineDiagnostic Error(int line, int column, string message) =>
        new(DiagnosticSeverity.Error, line, column, message);

    public static PipelineDiagnostic Warning(int line, int column, string message) =>
        new(DiagnosticSeverity.Warning, line, column, message);

    /// <summary>The sample from DESIGN.md, "Pipeline file (.comet.yml)", verbatim.</summary>
    public const string DesignSample = """
        when:                         # pipeline triggers; all filters optional
          event: [push, pull_request, tag, manual, cron]
          branch: [main, "release/*"]
          path: ["src/**"]
        variables:
          CONFIGURATION: Release
        jobs:
          build:
            steps:
              - name: restore
                run: dotnet restore
              - run: dotnet build -c $CONFIGURATION
            artifacts: ["out/**"]
          test:
            needs: [build]            # a DAG; no needs = starts at once
            matrix:
              SUITE: [unit, integration]
            steps:
              - run: ./run-tests.sh $SUITE
            reports:
              junit: ["**/TestResults/*.xml"]
              coverage: ["**/coverage.cobertura.xml"]
            timeout: 10m
            retry: 1
            allow_failure: false
          deploy:
            needs: [test]
            environment: production
            approval: required        # waits for a maintainer
            when: { branch: main }
            secrets: [DEPLOY_TOKEN]
            steps:
              - run: ./deploy.sh
        """;
}
