using ExSync.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ExSync.Api.Infrastructure.Security;

/// <summary>Answers a refused authorization with a 403 problem that names the privileges the caller lacks.</summary>
public sealed class ForbiddenProblemHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await fallback.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var missing = authorizeResult.AuthorizationFailure?.FailedRequirements
            .OfType<RolesAuthorizationRequirement>()
            .SelectMany(r => r.AllowedRoles)
            .Distinct(StringComparer.Ordinal)
            .ToList() ?? [];
        await Forbidden(missing).ExecuteAsync(context);
    }

    /// <summary>The 403 for a caller who lacks <paramref name="missing"/>.</summary>
    public static ForbiddenProblem Forbidden(IReadOnlyList<string> missing)
    {
        var detail = missing.Count == 0
            ? "You are not allowed to perform this operation."
            : $"This operation needs the privilege{(missing.Count > 1 ? "s" : "")} {string.Join(" and ", missing)}, which your token does not grant " +
              "(roles are read from the token's 'roles' or 'role' claim).";
        var problem = Problem.Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, detail);
        problem.Extensions["missingPrivileges"] = missing;
        return new ForbiddenProblem(problem);
    }
}
