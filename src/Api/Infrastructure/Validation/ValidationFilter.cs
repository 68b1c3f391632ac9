using System.Reflection;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using FluentValidation;
using Microsoft.AspNetCore.Http.Metadata;

namespace ExSync.Api.Infrastructure.Validation;

/// <summary>
/// Validates JSON bodies with their FluentValidation validator before the handler runs. The filter is attached only to
/// endpoints that have a validated body, which are then documented as answering 400 with the fields at fault.
/// </summary>
public static class ValidationFilter
{
    /// <summary>Adds body validation to every endpoint of the group that takes a <see cref="JsonBody{T}"/> with a validator.</summary>
    public static TBuilder WithBodyValidation<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var method = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault();
            if (method is null)
            {
                return;
            }

            var validated = method.GetParameters()
                .Select((parameter, index) => (Index: index, BodyType: BodyTypeOf(parameter.ParameterType)))
                .Where(p => p.BodyType is not null)
                .Select(p => (p.Index, ValidatorType: typeof(IValidator<>).MakeGenericType(p.BodyType!)))
                .ToArray();
            if (validated.Length == 0)
            {
                return;
            }

            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(ApiValidationProblem), [ProblemResult.ContentType]));
            endpoint.FilterFactories.Add((_, next) => async context =>
            {
                foreach (var (index, validatorType) in validated)
                {
                    if (context.HttpContext.RequestServices.GetService(validatorType) is not IValidator validator
                        || context.Arguments[index] is not IValidatedBody body)
                    {
                        continue;
                    }

                    var result = await validator.ValidateAsync(new ValidationContext<object>(body.Value), context.HttpContext.RequestAborted);
                    if (!result.IsValid)
                    {
                        return RequestValidation.ToProblem(result);
                    }
                }

                return await next(context);
            });
        });
        return builder;
    }

    private static Type? BodyTypeOf(Type parameterType) =>
        parameterType.IsGenericType && parameterType.GetGenericTypeDefinition() == typeof(JsonBody<>)
            ? parameterType.GetGenericArguments()[0]
            : null;
}

/// <summary>A bound request body whose value can be validated.</summary>
public interface IValidatedBody
{
    /// <summary>The deserialized body.</summary>
    object Value { get; }
}
