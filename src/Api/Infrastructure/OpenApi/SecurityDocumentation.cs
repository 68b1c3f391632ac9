using System.Text.Json.Nodes;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExSync.Api.Infrastructure.OpenApi;

/// <summary>
/// Documents security: the Bearer scheme (which gives Swagger UI its Authorize button), and on each operation the security requirement,
/// 401 and 403, and the privileges it needs — in its description for people, and as <c>x-exsync-privileges</c> for tools and tests.
/// </summary>
internal static class SecurityDocumentation
{
    public const string SchemeName = "Bearer";
    public const string PrivilegesExtension = "x-exsync-privileges";

    public static void ApplySecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the identity provider configured under Authentication:Schemes:Bearer. Privileges are read from its 'roles' or 'role' claim: "
                              + string.Join(", ", Privileges.All) + ".",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                return;
            }

            var privileges = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var notes = metadata.OfType<AccessNote>().Select(n => n.Text).ToList();
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] }];
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[PrivilegesExtension] = new JsonNodeExtension(new JsonArray(privileges.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()));

            var access = privileges.Count == 0 ? "Any signed-in caller." : $"Requires the privilege{(privileges.Count > 1 ? "s" : "")} {string.Join(" and ", privileges)}.";
            operation.Description = $"{operation.Description}\n\n**Authorization:** {string.Join(" ", notes.Prepend(access))}";

            var problemSchema = await context.GetOrCreateSchemaAsync(typeof(ApiProblem), null, cancellationToken);
            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, description) in new[] { ("401", "No valid bearer token."), ("403", "The token lacks a privilege the operation needs.") })
            {
                operation.Responses.TryAdd(status, new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, OpenApiMediaType> { [ProblemResult.ContentType] = new() { Schema = new OpenApiSchemaReference(nameof(ApiProblem), context.Document) } },
                });
            }

            _ = problemSchema;
        });
    }
}

/// <summary>Documents an access rule that a policy cannot express (owner access, conditional privileges).</summary>
/// <param name="Text">The rule, as a sentence.</param>
public sealed record AccessNote(string Text);
