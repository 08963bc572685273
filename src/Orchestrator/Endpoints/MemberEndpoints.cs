using Comet.Application.Projects.Members;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>/api/v1/projects/{slug}/members: who may do what in a project.</summary>
public static class MemberEndpoints
{
    public static void MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/v1/projects/{slug}/members").WithTags("Members")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        members.MapGet("/", List).WithName("ListMembers").WithSummary("The project's members and their roles.");
        members.MapGet("/{username}", Get).WithName("GetMember").WithSummary("One member's role.");
        members.MapPut("/{username}", Set).WithName("SetMember")
            .WithSummary("Add a user with a role {role: owner|maintainer|developer|viewer}, or change their role (owners only).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        members.MapDelete("/{username}", Remove).WithName("RemoveMember")
            .WithSummary("Take a user out of the project (owners only; the last owner stays).").ProducesProblem(StatusCodes.Status409Conflict);
    }

    public sealed record RoleBody([property: System.ComponentModel.DataAnnotations.Required] string? Role);

    private static async Task<Ok<IReadOnlyList<MemberDto>>> List(string slug, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListMembersQuery(slug), ct));

    private static async Task<Results<Ok<MemberDto>, NotFound>> Get(string slug, string username, IMediator mediator, CancellationToken ct)
    {
        var member = (await mediator.Send(new ListMembersQuery(slug), ct)).FirstOrDefault(m => string.Equals(m.Username, username, StringComparison.OrdinalIgnoreCase));
        return member is null ? TypedResults.NotFound() : TypedResults.Ok(member);
    }

    private static async Task<Ok<MemberDto>> Set(string slug, string username, RoleBody body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new SetMemberCommand { Slug = slug, Username = username, Role = body.Role }, ct));

    private static async Task<NoContent> Remove(string slug, string username, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new RemoveMemberCommand(slug, username), ct);
        return TypedResults.NoContent();
    }
}
