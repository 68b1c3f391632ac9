using System.Text.Json;
using ExSync.Api.Infrastructure.Problems;
using FluentValidation;
using FluentValidation.Results;

namespace ExSync.Api.Infrastructure.Validation;

/// <summary>Runs FluentValidation and turns its failures into ExSync's 400 problem.</summary>
public static class RequestValidation
{
    // FluentValidation names failures after its validators; clients get ExSync's stable field codes instead.
    private static readonly Dictionary<string, string> FieldCodes = new(StringComparer.Ordinal)
    {
        ["NotEmptyValidator"] = FieldErrorCodes.Required,
        ["NotNullValidator"] = FieldErrorCodes.Required,
        ["MaximumLengthValidator"] = FieldErrorCodes.TooLong,
        ["LengthValidator"] = FieldErrorCodes.TooLong,
        ["InclusiveBetweenValidator"] = FieldErrorCodes.OutOfRange,
        ["GreaterThanOrEqualValidator"] = FieldErrorCodes.OutOfRange,
        ["LessThanOrEqualValidator"] = FieldErrorCodes.OutOfRange,
        ["EmailValidator"] = FieldErrorCodes.InvalidEmailAddress,
        ["NullValidator"] = FieldErrorCodes.NotAllowed,
        ["EmptyValidator"] = FieldErrorCodes.NotAllowed,
    };

    /// <summary>
    /// Registers the validators, and makes their messages name fields by JSON path ("'advanced.maxConcurrentConnections' must be…")
    /// rather than by C# property ("'Advanced Max Concurrent Connections' must be…").
    /// </summary>
    public static IServiceCollection AddRequestValidation(this IServiceCollection services)
    {
        ValidatorOptions.Global.DisplayNameResolver = (_, member, expression) =>
            expression is null ? member?.Name is { } name ? JsonNamingPolicy.CamelCase.ConvertName(name) : null : ToJsonPath(PropertyChain(expression.Body));
        services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
        return services;
    }

    private static string PropertyChain(System.Linq.Expressions.Expression expression)
    {
        var names = new List<string>();
        for (var node = expression; node is not null;)
        {
            switch (node)
            {
                case System.Linq.Expressions.MemberExpression member:
                    names.Insert(0, member.Member.Name);
                    node = member.Expression;
                    break;
                case System.Linq.Expressions.UnaryExpression unary:
                    node = unary.Operand;
                    break;
                default:
                    node = null;
                    break;
            }
        }

        return string.Join('.', names);
    }

    /// <summary>Validates <paramref name="value"/>; returns the problem to answer with, or null when it is valid.</summary>
    public static async Task<BadRequestProblem?> ProblemIfInvalidAsync<T>(this IValidator<T> validator, T value, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(value, cancellationToken);
        return result.IsValid ? null : ToProblem(result);
    }

    /// <summary>Converts failures to a 400 problem with JSON paths and stable field codes.</summary>
    public static BadRequestProblem ToProblem(ValidationResult result) =>
        Problem.Invalid(ProblemCodes.ValidationFailed, result.Errors.Select(ToFieldError).ToList());

    private static ApiFieldError ToFieldError(ValidationFailure failure) => new(
        FieldCodes.GetValueOrDefault(failure.ErrorCode, failure.ErrorCode),
        ToJsonPath(failure.PropertyName),
        failure.ErrorMessage);

    /// <summary>Converts a C# property path (<c>Incoming.ServerLocation</c>, <c>MailboxIds[0]</c>) to a JSON path.</summary>
    public static string ToJsonPath(string propertyPath) => string.IsNullOrEmpty(propertyPath)
        ? "$"
        : string.Join('.', propertyPath.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}
