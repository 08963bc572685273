using Comet.Application.Pipelines;
using static Comet.Application.Tests.Pipelines.PipelineTestSupport;

namespace Comet.Application.Tests.Pipelines;

/// <summary><c>secrets:</c> per job: a list of secret names, or a mapping of variables to secret names.</summary>
public sealed class SecretsKeyTests
{
    [Test]
    public void A_list_gives_each_secret_in_its_own_name_and_a_mapping_renames_it()
    {
        var pipeline = ParseValid("""
            jobs:
              listed:
                secrets: [DEPLOY_TOKEN, SSH_KEY]
                steps: [make]
              mapped:
                secrets: { TOKEN: DEPLOY_TOKEN, lower_case_ok: SSH_KEY }
                steps: [make]
              none:
                steps: [make]
            """);

        Assert.That(pipeline.Jobs[0].Secrets, Is.EqualTo(new[] { new SecretReference("DEPLOY_TOKEN", "DEPLOY_TOKEN"), new SecretReference("SSH_KEY", "SSH_KEY") }));
        Assert.That(pipeline.Jobs[1].Secrets, Is.EqualTo(new[] { new SecretReference("TOKEN", "DEPLOY_TOKEN"), new SecretReference("lower_case_ok", "SSH_KEY") }));
        Assert.That(pipeline.Jobs[2].Secrets, Is.Empty);
    }

    [Test]
    public void Names_that_cannot_be_secrets_reserved_variables_and_repeats_are_errors_at_their_place()
    {
        Assert.That(Errors("""
            jobs:
              deploy:
                secrets: [lower, GOOD, GOOD]
                steps: [make]
              mapped:
                secrets: { HOME: GOOD, COMET_X: GOOD, "1BAD": GOOD, T: "bad-name", E: }
                steps: [make]
              wrong:
                secrets: GOOD
                steps: [make]
            """), Is.EqualTo(new[]
        {
            Error(3, 15, "'lower' in 'secrets' in job 'deploy' is not a secret name; secret names are A-Z, 0-9 and _, not starting with a digit, up to 128 characters"),
            Error(3, 28, "'secrets' in job 'deploy' sets the variable 'GOOD' twice"),
            Error(6, 16, "'HOME' in 'secrets' in job 'mapped' is set by Comet for every step; give the secret another variable ({MY_HOME: GOOD})"),
            Error(6, 28, "'COMET_X' in 'secrets' in job 'mapped' is set by Comet for every step; give the secret another variable ({MY_COMET_X: GOOD})"),
            Error(6, 43, "'1BAD' in 'secrets' in job 'mapped' is not a valid variable name; use letters, digits and '_', not starting with a digit"),
            Error(6, 60, "'bad-name' in 'secrets' in job 'mapped' is not a secret name; secret names are A-Z, 0-9 and _, not starting with a digit, up to 128 characters"),
            Error(6, 75, "'E' in 'secrets' in job 'mapped' must name a secret, not empty"),
            Error(9, 14, "'secrets' in job 'wrong' must be a list of secret names ([DEPLOY_TOKEN]) or a mapping of variables to secret names ({TOKEN: DEPLOY_TOKEN}), not 'GOOD'"),
        }));
    }

    [Test]
    public void Secrets_are_no_longer_reported_as_not_implemented()
    {
        var result = PipelineParser.Parse("jobs:\n  deploy:\n    secrets: [TOKEN]\n    steps: [make]\n");

        Assert.That(result.Diagnostics, Is.Empty);
    }
}
