using System.Reflection;

namespace ExSync.Api.Infrastructure;

/// <summary>Recognizes build-time OpenAPI generation.</summary>
public static class HostEnvironmentExtensions
{
    /// <summary>
    /// True while <c>dotnet build</c> runs the app to write openapi.json (Microsoft.Extensions.ApiDescription.Server starts the
    /// entry point through GetDocument.Insider with an inert server). Migrations, seeding and background workers must not run then:
    /// there is no database to migrate, and the build must not leave files or threads behind.
    /// </summary>
    public static bool IsBuild(this IHostEnvironment environment) =>
        environment.IsEnvironment("Build") || Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";
}
