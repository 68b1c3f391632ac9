using System.Reflection;
using ExSync.Persistence;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Infrastructure;

/// <summary>
/// How ExSync ends when it cannot start. An administrator who got a setting wrong needs one line naming it and a non-zero exit code
/// that a service manager sees, not an unhandled-exception crash (exit code 134) with a stack trace to dig the setting out of.
/// </summary>
public static class StartupFailure
{
    /// <summary>The exit code of a process that could not start.</summary>
    public const int ExitCode = 1;

    private const string Prefix = "ExSync cannot start: ";

    /// <summary>
    /// Validates every options class registered with <c>ValidateOnStart</c> now, instead of when the host starts: migrations and demo
    /// mode run before that, and a setting that is wrong should be the only thing reported, before anything is touched.
    /// </summary>
    public static WebApplication ValidateSettingsNow(this WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        return app;
    }

    /// <summary>
    /// Writes the failure to standard error when ExSync runs as its own process, and says whether it did. Under a test host, build-time
    /// OpenAPI generation or the EF Core tools, the exception belongs to them: they run the entry point and report it themselves
    /// (the host they abort on purpose with <see cref="HostAbortedException"/> included).
    /// </summary>
    public static bool TryReport(Exception exception)
    {
        if (exception is HostAbortedException || Assembly.GetEntryAssembly() != typeof(StartupFailure).Assembly)
        {
            return false;
        }

        Console.Error.WriteLine(Describe(exception));
        return true;
    }

    /// <summary>
    /// One line for settings that are wrong (all of them, when several are). Anything else is unexpected, so the line is followed by
    /// the exception and its stack trace for whoever investigates.
    /// </summary>
    public static string Describe(Exception exception)
    {
        var failures = Flatten(exception).ToList();
        var message = string.Join(" ", failures.Select(failure => failure is OptionsValidationException validation ? string.Join(" ", validation.Failures) : failure.Message));
        var line = Prefix + string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return failures.All(IsMisconfiguration) ? line : $"{line}{Environment.NewLine}{exception}";
    }

    private static bool IsMisconfiguration(Exception failure) => failure
        is InvalidSettingException
        or DatabaseStartupException
        or OptionsValidationException
        // "Failed to convert configuration value 'abc' at 'Limits:MaxRequestBodyBytes' to type 'System.Int64'." names the setting.
        or InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" };

    // The startup validator gathers the failures of several options classes in an AggregateException.
    private static IEnumerable<Exception> Flatten(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(Flatten),
        TargetInvocationException { InnerException: { } inner } => Flatten(inner),
        _ => [exception],
    };
}
