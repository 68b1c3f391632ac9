using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>The generated client's exceptions say what the server said: the problem's title, status, code and detail.</summary>
public sealed class ClientExceptionTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANotFoundProblemNamesItsTitleCodeAndDetailInTheMessage()
    {
        var id = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => app.Mailboxes().GetMailboxAsync(id, Ct));

        Assert.Equal($"Not Found (404, MailboxNotFound): There is no mailbox with id '{id}'.", error.Message);
        Assert.Equal(error.Result.Detail, error.Message[(error.Message.IndexOf("): ", StringComparison.Ordinal) + 3)..]);
    }

    [Fact]
    public async Task AValidationProblemNamesItsCodeAndTheFieldsAtFaultInTheMessage()
    {
        var input = TestData.Mailbox();
        input.Name = "";

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.Mailboxes().CreateMailboxAsync(input, Ct));

        Assert.StartsWith("One or more fields are not valid. (400, ValidationFailed): name: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Status: 400", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAnswerThatIsNoProblemKeepsTheGeneratedMessageWithStatusAndResponse()
    {
        var error = new ExSyncApiException("Service Unavailable", 503, """{"status":"Unhealthy"}""", new Dictionary<string, IEnumerable<string>>(), null);

        Assert.StartsWith("Service Unavailable\n\nStatus: 503\nResponse: \n{\"status\":\"Unhealthy\"}", error.Message, StringComparison.Ordinal);
    }
}
