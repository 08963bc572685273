using Comet.Infrastructure.Persistence;

namespace Comet.Infrastructure.Tests.Persistence;

public sealed class SnakeCaseNamesTests
{
    [TestCase("RepoUrl", "repo_url")]
    [TestCase("AllowFailure", "allow_failure")]
    [TestCase("Id", "id")]
    [TestCase("ProjectId", "project_id")]
    [TestCase("WebhookSecret", "webhook_secret")]
    [TestCase("CreatedAt", "created_at")]
    [TestCase("HTTPStatus", "http_status")]
    [TestCase("already_snake", "already_snake")]
    public void Property_names_become_snake_case_column_names(string property, string column)
    {
        Assert.That(SnakeCaseNames.Of(property), Is.EqualTo(column));
    }
}
