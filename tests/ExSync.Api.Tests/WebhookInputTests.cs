using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>Bad input to every webhook route: a problem+json with a stable code and the field at fault, never a 500.</summary>
public sealed class WebhookInputTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private const string Subscriptions = "/api/v1/webhook-subscriptions";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http { get; } = app.CreateClient();

    [Theory]
    [InlineData("POST", "", "{", "MalformedJson", null)]
    [InlineData("POST", "", """{"url":"https://crm.example/h","eventTypes":["job.completed"],"enabled":"yes"}""", "InvalidRequestBody", "enabled")]
    [InlineData("POST", "", """{"url":"https://crm.example/h","eventTypes":["job.completed"],"etag":"\"1\""}""", "InvalidRequestBody", "etag")]
    [InlineData("POST", "", """{"eventTypes":["job.completed"]}""", "ValidationFailed", "url")]
    [InlineData("POST", "", """{"url":"https://crm.example/h"}""", "ValidationFailed", "eventTypes")]
    [InlineData("PATCH", "/{id}", """{"url":"notaurl"}""", "ValidationFailed", "url")]
    [InlineData("PATCH", "/{id}", """{"eventTypes":null}""", "ValidationFailed", "eventTypes")]
    [InlineData("PATCH", "/{id}", """{"secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}""", "InvalidRequestBody", "secret")]
    [InlineData("POST", "/{id}/rotate-secret", """{"secret":"whsec_"}""", "ValidationFailed", "secret")]
    [InlineData("POST", "/{id}/rotate-secret", """{"overlapSeconds":-1}""", "ValidationFailed", "overlapSeconds")]
    [InlineData("POST", "/{id}/rotate-secret", """{"overlapSeconds":604801}""", "ValidationFailed", "overlapSeconds")]
    [InlineData("POST", "/{id}/replay", """{"from":"2026-12-01T00:00:00Z"}""", "ValidationFailed", "to")]
    [InlineData("POST", "/{id}/replay", """{"from":"2026-12-02T00:00:00Z","to":"2026-12-01T00:00:00Z"}""", "ValidationFailed", "to")]
    [InlineData("POST", "/{id}/replay", """{"from":"2026-10-01T00:00:00Z","to":"2026-12-01T00:00:00Z"}""", "ValidationFailed", "to")]
    [InlineData("POST", "/{id}/replay", """{"from":"yesterday","to":"2026-12-01T00:00:00Z"}""", "InvalidRequestBody", "from")]
    [InlineData("GET", "/{id}/deliveries?status=Lost", null, "InvalidQueryParameter", "status")]
    [InlineData("GET", "/{id}/deliveries?pageSize=0", null, "InvalidQueryParameter", "pageSize")]
    [InlineData("GET", "/{id}/deliveries?continuationToken=forged", null, "InvalidContinuationToken", "continuationToken")]
    [InlineData("GET", "?pageSize=1001", null, "InvalidQueryParameter", "pageSize")]
    [InlineData("GET", "/not-a-guid", null, "InvalidQueryParameter", "id")]
    [InlineData("POST", "/{id}/deliveries/123/redeliver", null, "InvalidQueryParameter", "deliveryId")]
    public async Task BadInputIsAProblemNamingTheField(string method, string path, string? body, string code, string? target)
    {
        var id = (await new WebhooksClient(Http).CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = "https://crm.example/h", EventTypes = ["job.completed"] }, Ct)).Id;
        var response = await Http.SendAsync(new HttpMethod(method), Subscriptions + path.Replace("{id}", id.ToString(), StringComparison.Ordinal), body, method == "PATCH" ? RawHttp.MergePatch : RawHttp.Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal(code, response.Json!["code"]!.GetValue<string>());
        if (target is not null)
        {
            Assert.Contains(target, response.Body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/{missing}", "WebhookSubscriptionNotFound")]
    [InlineData("PATCH", "/{missing}", "WebhookSubscriptionNotFound")]
    [InlineData("POST", "/{missing}/rotate-secret", "WebhookSubscriptionNotFound")]
    [InlineData("POST", "/{missing}/ping", "WebhookSubscriptionNotFound")]
    [InlineData("GET", "/{missing}/deliveries", "WebhookSubscriptionNotFound")]
    [InlineData("POST", "/{missing}/replay", "WebhookSubscriptionNotFound")]
    [InlineData("POST", "/{missing}/deliveries/{missing}/redeliver", "WebhookSubscriptionNotFound")]
    [InlineData("POST", "/{id}/deliveries/{missing}/redeliver", "WebhookDeliveryNotFound")]
    public async Task WhatDoesNotExistIsA404WithItsCode(string method, string path, string code)
    {
        var id = (await new WebhooksClient(Http).CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = "https://crm.example/h", EventTypes = ["job.completed"] }, Ct)).Id;
        var body = method == "PATCH" ? "{}" : path.EndsWith("replay", StringComparison.Ordinal) ? """{"from":"2026-12-01T00:00:00Z","to":"2026-12-02T00:00:00Z"}""" : method == "POST" ? "{}" : null;
        var url = Subscriptions + path.Replace("{id}", id.ToString(), StringComparison.Ordinal).Replace("{missing}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        var response = await Http.SendAsync(new HttpMethod(method), url, body, method == "PATCH" ? RawHttp.MergePatch : RawHttp.Json);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal(code, response.Json!["code"]!.GetValue<string>());
    }
}
