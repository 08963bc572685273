using System.ComponentModel.DataAnnotations;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Commands;

/// <summary>Ends a sign-in: its refresh tokens stop working. (Access tokens expire on their own within minutes.)</summary>
public sealed record LogoutCommand : IRequest<Unit>
{
    [Required]
    public string? RefreshToken { get; init; }
}

public sealed class LogoutValidator : AbstractValidator<LogoutCommand>
{
    public LogoutValidator() => RuleFor(c => c.RefreshToken).NotEmpty().MaximumLength(256);
}

public sealed class LogoutHandler(ICometDbContext db, TimeProvider clock, AuditTrail audit) : IRequestHandler<LogoutCommand, Unit>
{
    public async Task<Unit> Handle(LogoutCommand request, CancellationToken cancellationToken)
    {
        var hash = SecretHash.Of(request.RefreshToken!);
        var token = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        // An unknown token is already as logged out as it can be: logging out twice is not an error.
        if (token is null) return Unit.Value;
        await RevokeFamilyAsync.Run(db, token.FamilyId, clock.GetUtcNow().UtcDateTime, cancellationToken);
        audit.Record(AuditActions.Logout, target: $"sign-in:{token.FamilyId}", actorId: token.UserId);
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
