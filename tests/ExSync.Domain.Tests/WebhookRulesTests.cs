using ExSync.Domain.Webhooks;

namespace ExSync.Domain.Tests;

public sealed class WebhookRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheRetryScheduleSpansMoreThanADayAndEndsAfterTenAttempts()
    {
        var at = Now;
        for (var attempts = 1; attempts < WebhookRetrySchedule.MaxAttempts; attempts++)
        {
            at = WebhookRetrySchedule.NextAttempt(attempts, at, random: 0)!.Value;
        }

        Assert.Equal(10, WebhookRetrySchedule.MaxAttempts);
        Assert.True(at - Now >= TimeSpan.FromHours(24) * 0.9 * 3, $"The schedule spans only {at - Now}.");
        Assert.Null(WebhookRetrySchedule.NextAttempt(WebhookRetrySchedule.MaxAttempts, at, random: 0.5));
    }

    [Theory]
    [InlineData(0.0, 4.5)]
    [InlineData(0.5, 5.0)]
    [InlineData(0.999999, 5.5)]
    public void EachDelayIsSpreadByTenPercent(double random, double seconds) =>
        Assert.Equal(seconds, (WebhookRetrySchedule.NextAttempt(1, Now, random)!.Value - Now).TotalSeconds, precision: 3);

    [Fact]
    public void RetryAfterIsHonouredWhenLongerButCappedAtTheNextStep()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), WebhookRetrySchedule.NextAttempt(1, Now, 0.5, TimeSpan.FromSeconds(60)) - Now);
        Assert.Equal(TimeSpan.FromMinutes(5), WebhookRetrySchedule.NextAttempt(1, Now, 0.5, TimeSpan.FromDays(1)) - Now);
        Assert.Equal(TimeSpan.FromSeconds(5), WebhookRetrySchedule.NextAttempt(1, Now, 0.5, TimeSpan.FromSeconds(1)) - Now);
    }

    [Theory]
    [InlineData(200, WebhookAttemptVerdict.Delivered)]
    [InlineData(204, WebhookAttemptVerdict.Delivered)]
    [InlineData(410, WebhookAttemptVerdict.Gone)]
    [InlineData(301, WebhookAttemptVerdict.Retry)]
    [InlineData(404, WebhookAttemptVerdict.Retry)]
    [InlineData(429, WebhookAttemptVerdict.Retry)]
    [InlineData(500, WebhookAttemptVerdict.Retry)]
    [InlineData(null, WebhookAttemptVerdict.Retry)]
    public void AnswersAreJudged(int? status, WebhookAttemptVerdict verdict) => Assert.Equal(verdict, WebhookResponses.Judge(status));

    [Fact]
    public void SecretsAreWhsecAndBase64OfTwentyFourToSixtyFourBytes()
    {
        var generated = WebhookSecret.Generate();
        Assert.StartsWith("whsec_", generated);
        Assert.Equal(WebhookSecret.GeneratedKeyBytes, WebhookSecret.TryDecodeKey(generated)!.Length);
        Assert.NotEqual(generated, WebhookSecret.Generate());
        Assert.True(WebhookSecret.IsValid("whsec_" + Convert.ToBase64String(new byte[24])));
        Assert.True(WebhookSecret.IsValid("whsec_" + Convert.ToBase64String(new byte[64])));
        Assert.False(WebhookSecret.IsValid("whsec_" + Convert.ToBase64String(new byte[23])));
        Assert.False(WebhookSecret.IsValid("whsec_" + Convert.ToBase64String(new byte[65])));
        Assert.False(WebhookSecret.IsValid(Convert.ToBase64String(new byte[32])));
        Assert.False(WebhookSecret.IsValid("whsec_not base64!"));
    }

    [Fact]
    public void APreviousSecretSignsOnlyDuringItsOverlap()
    {
        var subscription = WebhookSubscription.Create(Guid.NewGuid(), "https://crm.example/hooks", ["job.completed"], true, null, new Common.EncryptedSecret("old"), Now);
        subscription.RotateSecret(new Common.EncryptedSecret("new"), TimeSpan.FromHours(1), Now);
        Assert.Equal(["new", "old"], subscription.SigningSecrets(Now.AddMinutes(59)).Select(s => s.Ciphertext));
        Assert.Equal(["new"], subscription.SigningSecrets(Now.AddHours(1)).Select(s => s.Ciphertext));
        subscription.RotateSecret(new Common.EncryptedSecret("newer"), TimeSpan.Zero, Now);
        Assert.Equal(["newer"], subscription.SigningSecrets(Now).Select(s => s.Ciphertext));
    }
}
