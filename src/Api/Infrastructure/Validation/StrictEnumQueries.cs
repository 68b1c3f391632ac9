using System.Reflection;
using ExSync.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Mvc;

namespace ExSync.Api.Infrastructure.Validation;

/// <summary>
/// Minimal APIs bind enum query values with <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/>, which also accepts numbers
/// (<c>state=1</c>, <c>state=99</c>) and comma lists (<c>state=Active,Inactive</c>): a filter would then silently match an
/// undefined value. The contract allows only the names, as in request bodies, so anything else is a 400.
/// </summary>
public static class StrictEnumQueries
{
    /// <summary>Rejects enum query values that are not one of the enum's names, on every endpoint of the group.</summary>
    public static TBuilder WithStrictEnumQueries<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var method = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault();
            var enums = method is null ? [] : QueryEnums(method).ToArray();
            if (enums.Length == 0)
            {
                return;
            }

            endpoint.FilterFactories.Add((_, next) => context =>
            {
                var query = context.HttpContext.Request.Query;
                foreach (var (name, names) in enums)
                {
                    foreach (var value in query[name])
                    {
                        if (!names.Contains(value, StringComparer.Ordinal))
                        {
                            var message = $"'{value}' is not a valid value for {name}. Allowed values: {string.Join(", ", names)}.";
                            return ValueTask.FromResult<object?>(Problem.Invalid(ProblemCodes.InvalidQueryParameter, name, FieldErrorCodes.WrongType, message));
                        }
                    }
                }

                return next(context);
            });
        });
        return builder;
    }

    /// <summary>The enum-typed query parameters of a handler, including those of an [AsParameters] type, with their allowed names.</summary>
    private static IEnumerable<(string Name, string[] Names)> QueryEnums(MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
            {
                foreach (var property in parameter.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (EnumType(property.PropertyType) is { } type && property.GetCustomAttribute<FromQueryAttribute>() is { } fromQuery)
                    {
                        yield return (fromQuery.Name ?? property.Name, Enum.GetNames(type));
                    }
                }
            }
            else if (EnumType(parameter.ParameterType) is { } type
                && parameter.GetCustomAttribute<FromRouteAttribute>() is null
                && parameter.GetCustomAttribute<FromHeaderAttribute>() is null)
            {
                yield return (parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.Name!, Enum.GetNames(type));
            }
        }
    }

    private static Type? EnumType(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is { IsEnum: true } enumType ? enumType : null;
}
