using System.Text.Json;
using System.Text.Json.Nodes;
using ExSync.Api.Infrastructure.Json;
using ExSync.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ExSync.Api.Infrastructure.Requests;

/// <summary>Reads and checks JSON request bodies; every failure becomes a <see cref="RequestRejectedException"/>.</summary>
public sealed class JsonRequestReader(IOptions<JsonOptions> jsonOptions)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = ApiJson.MaxDepth, AllowDuplicateProperties = false };

    /// <summary>The serializer options of the API.</summary>
    public JsonSerializerOptions SerializerOptions => jsonOptions.Value.SerializerOptions;

    /// <summary>Reads the body as a JSON object that fits <paramref name="inputType"/>.</summary>
    public async Task<JsonObject> ReadObjectAsync(HttpContext context, Type inputType, IReadOnlyCollection<string> mediaTypes)
    {
        EnsureMediaType(context.Request, mediaTypes);

        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(context.Request.Body, documentOptions: DocumentOptions, cancellationToken: context.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, ProblemCodes.MalformedJson, DescribeSyntaxError(ex));
        }
        catch (InvalidOperationException)
        {
            // The duplicate-property check reads property names while parsing.
            throw InvalidText();
        }

        EnsureValidText(node);

        if (node is not JsonObject body)
        {
            throw new RequestRejectedException(
                StatusCodes.Status400BadRequest,
                ProblemCodes.InvalidRequestBody,
                "The request body must be a JSON object.",
                [new ApiFieldError(FieldErrorCodes.WrongType, "$", "Expected a JSON object.")]);
        }

        var errors = new List<ApiFieldError>();
        new JsonInputInspector(SerializerOptions).Inspect(body, inputType, string.Empty, errors);
        if (errors.Count > 0)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequestBody, "The request body does not fit the schema.", errors);
        }

        return body;
    }

    /// <summary>Converts a checked JSON object to the input type.</summary>
    public T Deserialize<T>(JsonNode node)
    {
        try
        {
            return node.Deserialize<T>(SerializerOptions)
                ?? throw new RequestRejectedException(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequestBody, "The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            // The inspector mirrors the serializer's contract, so this is a safety net; report the path the serializer gives.
            var path = ex.Path is { Length: > 2 } p ? p[2..] : "$";
            throw new RequestRejectedException(
                StatusCodes.Status400BadRequest,
                ProblemCodes.InvalidRequestBody,
                "The request body does not fit the schema.",
                [new ApiFieldError(FieldErrorCodes.WrongType, path, "The value does not have the expected type.")]);
        }
    }

    /// <summary>
    /// The parser accepts invalid UTF-8 and unpaired surrogate escapes (<c>"\ud800"</c>) and fails only when the text is read,
    /// which would happen later, in code that expects no failure. Reading every name and string now turns them into a 400.
    /// </summary>
    private static void EnsureValidText(JsonNode? node)
    {
        try
        {
            ReadAllText(node);
        }
        catch (InvalidOperationException)
        {
            throw InvalidText();
        }
    }

    private static RequestRejectedException InvalidText() => new(
        StatusCodes.Status400BadRequest,
        ProblemCodes.MalformedJson,
        "The request body is not valid JSON text: it contains invalid UTF-8 or an unpaired surrogate escape such as \\ud800.");

    private static void ReadAllText(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    ReadAllText(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    ReadAllText(item);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                value.GetValue<string>();
                break;
        }
    }

    private static void EnsureMediaType(HttpRequest request, IReadOnlyCollection<string> mediaTypes)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !mediaTypes.Contains(contentType.MediaType.Value ?? string.Empty, StringComparer.OrdinalIgnoreCase))
        {
            throw new RequestRejectedException(
                StatusCodes.Status415UnsupportedMediaType,
                ProblemCodes.UnsupportedMediaType,
                $"The request body must be sent as {string.Join(" or ", mediaTypes)} (Content-Type was '{request.ContentType ?? "absent"}').");
        }
    }

    private static string DescribeSyntaxError(JsonException ex)
    {
        if (ex.LineNumber is null)
        {
            return "The request body is not valid JSON.";
        }

        var reason = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
        if (reason.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "The request body is empty; send a JSON object.";
        }

        return $"The request body is not valid JSON: {reason} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).";
    }
}
