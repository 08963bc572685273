namespace Comet.Domain.Testing;

/// <summary>How one test case ended in one job attempt. An error (the test could not run properly) counts as a failure.</summary>
public enum TestStatus
{
    Passed,
    Failed,
    Error,
    Skipped,
}

public static class TestStatusExtensions
{
    public static bool IsFailure(this TestStatus status) => status is TestStatus.Failed or TestStatus.Error;
}
