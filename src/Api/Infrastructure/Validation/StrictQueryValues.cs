using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using ExSync.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Mvc;

namespace ExSync.Api.Infrastructure.Validation;

/// <summary>
/// Minimal APIs bind query values more loosely than the contract allows, so a filter could silently match something else
/// than the caller meant:
/// <list type="bullet">
/// <item>enums with <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/>, which also accepts numbers (<c>state=99</c>) and
/// comma lists (<c>state=Active,Inactive</c>); the contract allows only the names, as in request bodies;</item>
/// <item>date-times with <see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>,
/// which reads a value without an offset as the server's local time; RFC 3339 requires the offset, and a time that means
/// a different instant on each server is no filter.</item>
/// </list>
/// Anything else is a 400 naming the parameter.
/// </summary>
public static partial class StrictQueryValues
{
    /// <summary>Rejects enum and date-time query values outside the contract, on every endpoint of the group.</summary>
    public static TBuilder WithStrictQueryValues<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var method = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault();
            var checks = method is null ? [] : QueryChecks(method).ToArray();
            if (checks.Length == 0)
            {
                return;
            }

            endpoint.FilterFactories.Add((_, next) => context =>
            {
                var query = context.HttpContext.Request.Query;
                foreach (var (name, problemWith) in checks)
                {
                    foreach (var value in query[name])
                    {
                        if (value is not null && problemWith(value) is { } message)
                        {
                            return ValueTask.FromResult<object?>(Problem.Invalid(ProblemCodes.InvalidQueryParameter, name, FieldErrorCodes.WrongType, $"'{value}' is not a valid value for {name}. {message}"));
                        }
                    }
                }

                return next(context);
            });
        });
        return builder;
    }

    /// <summary>The checked query parameters of a handler, including those of an [AsParameters] type.</summary>
    private static IEnumerable<(string Name, Func<string, string?> ProblemWith)> QueryChecks(MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
            {
                foreach (var property in parameter.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.GetCustomAttribute<FromQueryAttribute>() is { } fromQuery && CheckFor(property.PropertyType) is { } check)
                    {
                        yield return (fromQuery.Name ?? property.Name, check);
                    }
                }
            }
            else if (parameter.GetCustomAttribute<FromRouteAttribute>() is null
                && parameter.GetCustomAttribute<FromHeaderAttribute>() is null
                && CheckFor(parameter.ParameterType) is { } check)
            {
                yield return (parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.Name!, check);
            }
        }
    }

    private static Func<string, string?>? CheckFor(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum)
        {
            var names = Enum.GetNames(underlying);
            return value => names.Contains(value, StringComparer.Ordinal) ? null : $"Allowed values: {string.Join(", ", names)}.";
        }

        if (underlying == typeof(DateTimeOffset))
        {
            return value => Rfc3339DateTime().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                ? null
                : "Expected an RFC 3339 date-time with an offset, such as 2026-11-26T09:30:00Z or 2026-11-26T10:30:00+01:00.";
        }

        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339DateTime();
}
