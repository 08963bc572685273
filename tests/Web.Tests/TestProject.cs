using Comet.TestSupport;

namespace Comet.Web.Tests;

/// <summary>A real git repository (branch main) in a temp folder, registered as a project by <see cref="WebStack"/>.</summary>
public sealed class TestProject(TestRepository repository)
{
    public TestRepository Repository { get; } = repository;
    public string Path => Repository.Path;
    public string Url => Repository.Url;
    public string HeadSha => Repository.HeadSha;
    public string Slug { get; set; } = "";
    public string WebhookSecret { get; set; } = "";

    public static TestProject Create(string pipeline) => new(TestRepository.Create(pipeline));

    public string Commit(IReadOnlyDictionary<string, string> files, string message) => Repository.Commit(files, message);
}
