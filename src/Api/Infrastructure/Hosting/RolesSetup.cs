using ExSync.Engine.Instances;
using ExSync.Persistence;

namespace ExSync.Api.Infrastructure.Hosting;

/// <summary>
/// One binary, two roles (<c>Roles</c>: <c>Api</c>, <c>Worker</c>, or both — the default): an operator runs any number of API
/// instances and workers on one PostgreSQL database.
/// </summary>
public static class RolesSetup
{
    /// <summary>The configuration key.</summary>
    public const string Key = "Roles";

    /// <summary>The roles this process plays, from configuration.</summary>
    public static InstanceRoles Roles(this IConfiguration configuration)
    {
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return InstanceRoles.All;
        }

        var roles = InstanceRoles.None;
        foreach (var part in text.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= part.ToUpperInvariant() switch
            {
                "API" => InstanceRoles.Api,
                "WORKER" => InstanceRoles.Worker,
                _ => throw new InvalidSettingException(Key, $"'{part}' is not a role; use Api, Worker or both (Api,Worker, the default)."),
            };
        }

        return roles;
    }

    /// <summary>
    /// Adds the database and the engines' services; in the Worker role also their background services (jobs, schedulers, heartbeat,
    /// connection grants). Nothing runs in the background while the build generates openapi.json.
    /// </summary>
    public static WebApplicationBuilder AddEngine(this WebApplicationBuilder builder, InstanceRoles roles)
    {
        builder.Services.AddExSyncEngine(builder.Configuration, roles, ephemeralSecrets: builder.Environment.IsBuild());
        if (roles.HasFlag(InstanceRoles.Worker) && !builder.Environment.IsBuild())
        {
            builder.Services.AddExSyncWorker();
        }

        return builder;
    }
}
