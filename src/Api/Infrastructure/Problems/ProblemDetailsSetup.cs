using System.Diagnostics;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Validation;
using Microsoft.AspNetCore.Http.Metadata;

namespace ExSync.Api.Infrastructure.Problems;

/// <summary>Registers RFC 9457 problem details: every error response carries a stable code and a trace id.</summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions.TryAdd("code", CodeFor(problem.Status));
            if (problem.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                // Routing refuses the content type before any handler can explain.
                problem.Detail ??= "Send the request body as application/json, or as application/merge-patch+json for PATCH.";
            }

            problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.WriteProblemsWhateverTheAcceptHeader();

        // Minimal APIs answer a failed query or route binding with an empty 400 unless told to throw; the exception handler
        // then explains which parameter was wrong.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddSingleton<JsonRequestReader>();
        return services;
    }

    /// <summary>
    /// The framework's writer declines a problem when the Accept header rules JSON out (a browser's text/html, an XML client): the
    /// error then went out with no body at all, and the exception handler logged it as unhandled. ExSync has one error format, which
    /// any client can read, so its writer is wrapped in one that always accepts.
    /// </summary>
    private static void WriteProblemsWhateverTheAcceptHeader(this IServiceCollection services)
    {
        var framework = services.Last(service => service.ServiceType == typeof(IProblemDetailsWriter));
        var writer = framework.ImplementationType
            ?? throw new InvalidOperationException($"AddProblemDetails registered {nameof(IProblemDetailsWriter)} without an implementation type.");
        services.Remove(framework);
        services.AddSingleton<IProblemDetailsWriter>(provider => new AnyAcceptProblemWriter((IProblemDetailsWriter)ActivatorUtilities.CreateInstance(provider, writer)));
    }

    /// <summary>
    /// Declares on every endpoint of the group the problems any request can meet: 500, and 400 when the endpoint takes
    /// parameters or a body from the client. Endpoint-specific problems are declared by the handlers' result unions.
    /// </summary>
    public static TBuilder WithStandardProblemResponses<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status500InternalServerError, typeof(ApiProblem), [ProblemResult.ContentType]));
            if (TakesClientInput(endpoint))
            {
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(ApiValidationProblem), [ProblemResult.ContentType]));
            }
        });

        // An enum query value outside the contract (a number, a list) is one more 400 any request can meet.
        builder.WithStrictQueryValues();
        return builder;
    }

    private static bool TakesClientInput(EndpointBuilder endpoint) =>
        (endpoint as RouteEndpointBuilder)?.RoutePattern.Parameters.Count > 0
        || endpoint.Metadata.OfType<IAcceptsMetadata>().Any()
        || endpoint.Metadata.OfType<System.Reflection.MethodInfo>().FirstOrDefault()?.GetParameters().Any(IsClientValue) == true;

    private static bool IsClientValue(System.Reflection.ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return parameter.GetCustomAttributes(inherit: false).Any(a => a is Microsoft.AspNetCore.Mvc.FromHeaderAttribute or AsParametersAttribute)
            || type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Guid) || type == typeof(DateTimeOffset);
    }

    private static string CodeFor(int? status) => status switch
    {
        StatusCodes.Status401Unauthorized => ProblemCodes.Unauthorized,
        StatusCodes.Status403Forbidden => ProblemCodes.Forbidden,
        StatusCodes.Status429TooManyRequests => ProblemCodes.TooManyRequests,
        StatusCodes.Status404NotFound => ProblemCodes.RouteNotFound,
        StatusCodes.Status405MethodNotAllowed => ProblemCodes.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ProblemCodes.RequestBodyTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ProblemCodes.UnsupportedMediaType,
        StatusCodes.Status400BadRequest => ProblemCodes.InvalidRequestBody,
        _ => ProblemCodes.InternalError,
    };

    private sealed class AnyAcceptProblemWriter(IProblemDetailsWriter framework) : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => true;

        public ValueTask WriteAsync(ProblemDetailsContext context) => framework.WriteAsync(context);
    }
}
