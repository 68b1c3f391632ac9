using System.Text.Json;

namespace ExSync.Client;

/// <summary>
/// An error answer from ExSync: <see cref="StatusCode"/>, the headers, and (in <see cref="ExSyncApiException{TResult}"/> of
/// <see cref="ApiProblem"/> or <see cref="ApiValidationProblem"/>) the problem itself, whose <c>Code</c> is the stable error code.
/// </summary>
public partial class ExSyncApiException
{
    // NSwag makes the message from the response's description in the contract ("Not Found") before it reads the body, and has no hook
    // to change that; the message is made from the problem instead, when it is first asked for.
    private string? message;

    /// <summary>
    /// What went wrong, from the server's RFC 9457 problem: its title, status, stable code and detail, for example
    /// <c>Not Found (404, MailboxNotFound): There is no mailbox with id '…'.</c> An answer that is not a problem keeps the generated
    /// message, with the status and the start of the response.
    /// </summary>
    public override string Message => message ??= FromProblem(Problem(), StatusCode) ?? base.Message;

    /// <summary>The problem as JSON, if the answer has one: here the response text, which NSwag keeps for answers it did not deserialize.</summary>
    private protected virtual JsonElement? Problem()
    {
        if (string.IsNullOrWhiteSpace(Response))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Response);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FromProblem(JsonElement? problem, int statusCode)
    {
        if (problem is not { ValueKind: JsonValueKind.Object } element || Text(element, "code") is not { } code)
        {
            return null;
        }

        var title = Text(element, "title") ?? "Error";
        return Text(element, "detail") is { } detail ? $"{title} ({statusCode}, {code}): {detail}" : $"{title} ({statusCode}, {code})";
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>An error answer from ExSync whose body was read as <typeparamref name="TResult"/>, usually <see cref="ApiProblem"/>.</summary>
/// <typeparam name="TResult">The type of the body.</typeparam>
public partial class ExSyncApiException<TResult>
{
    /// <summary>The problem as JSON: the deserialized body, since NSwag reads a typed body as a stream and keeps no response text.</summary>
    private protected override JsonElement? Problem() => Result is null ? base.Problem() : JsonSerializer.SerializeToElement(Result);
}
