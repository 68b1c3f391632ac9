using System.Net;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Webhooks;
using ExSync.Exchange;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Webhooks;

/// <summary>The rules of a subscription's settings, on creation and after a PATCH is merged.</summary>
public class WebhookSubscriptionSettingsValidator : AbstractValidator<WebhookSubscriptionSettings>
{
    public WebhookSubscriptionSettingsValidator(IOptions<ExchangeClientOptions> exchange)
    {
        // The outbound policy is the Exchange connections' one, so loopback receivers are allowed exactly where a loopback Exchange is.
        var allowLoopback = exchange.Value.OutboundPolicy.AllowLoopback;
        RuleFor(s => s.Url)
            .Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(WebhookSubscription.UrlMaxLength)
            .MustBeSingleLineText()
            .Must(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.UserInfo.Length == 0 && uri.Fragment.Length == 0)
            .WithErrorCode(FieldErrorCodes.InvalidUrl)
            .WithMessage("'{PropertyValue}' is not an absolute https URL such as https://crm.contoso.com/exsync/webhooks (no user name or #fragment).")
            .Must(url => !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme == Uri.UriSchemeHttps || (allowLoopback && IsLoopback(uri)))
            .WithErrorCode(FieldErrorCodes.InsecureUrl)
            .WithMessage(allowLoopback
                ? "Webhooks are delivered over https; http is accepted only for a loopback host (localhost, 127.0.0.1, [::1])."
                : "Webhooks are delivered over https: events and their signatures would travel in clear text over http.");
        RuleFor(s => s.EventTypes)
            .NotEmpty()
            .Must(types => types is null || types.Count <= WebhookEventTypes.Subscribable.Count * 2)
            .WithErrorCode(FieldErrorCodes.TooMany)
            .WithMessage($"List each event type once; there are {WebhookEventTypes.Subscribable.Count}.");
        RuleForEach(s => s.EventTypes)
            .Must(WebhookEventTypes.IsSubscribable)
            .WithErrorCode(FieldErrorCodes.NotAllowed)
            .WithMessage($"'{{PropertyValue}}' is not an event type. Use any of: {string.Join(", ", WebhookEventTypes.Subscribable)}.");
        RuleFor(s => s.Description).MaximumLength(WebhookSubscription.DescriptionMaxLength).MustBeMultiLineText();
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

/// <summary>The rules of a creation: the settings, and the secret when one is given.</summary>
public sealed class WebhookSubscriptionInputValidator : AbstractValidator<WebhookSubscriptionInput>
{
    public WebhookSubscriptionInputValidator(IOptions<ExchangeClientOptions> exchange)
    {
        Include(new WebhookSubscriptionSettingsValidator(exchange));
        RuleFor(s => s.Secret).MustBeWebhookSecret();
    }
}

/// <summary>The rules of a rotation.</summary>
public sealed class RotateWebhookSecretInputValidator : AbstractValidator<RotateWebhookSecretInput>
{
    /// <summary>Longest overlap: a week.</summary>
    public const int MaxOverlapSeconds = 7 * 24 * 3600;

    public RotateWebhookSecretInputValidator()
    {
        RuleFor(r => r.Secret).MustBeWebhookSecret();
        RuleFor(r => r.OverlapSeconds).InclusiveBetween(0, MaxOverlapSeconds);
    }
}

/// <summary>The rules of a replay.</summary>
public sealed class WebhookReplayInputValidator : AbstractValidator<WebhookReplayInput>
{
    /// <summary>Widest range replayed at once.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(30);

    public WebhookReplayInputValidator()
    {
        RuleFor(r => r.From).NotNull();
        RuleFor(r => r.To)
            .NotNull()
            .Must((r, to) => r.From is null || to is null || (to > r.From && to - r.From <= MaxRange))
            .WithErrorCode(FieldErrorCodes.OutOfRange)
            .WithMessage("'to' must be after 'from', by at most 30 days.");
    }
}

/// <summary>The secret rule, shared by creation and rotation.</summary>
public static class WebhookSecretRule
{
    /// <summary>Absent, or whsec_ + base64 of 24 to 64 bytes, control characters reported as such. The value is never echoed in a message.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeWebhookSecret<T>(this IRuleBuilderInitial<T, string?> rule) => rule
        .Cascade(CascadeMode.Stop)
        .MustBeSingleLineText()
        .Must(secret => secret is null || WebhookSecret.IsValid(secret))
        .WithErrorCode(FieldErrorCodes.InvalidFormat)
        .WithMessage($"A secret is '{WebhookSecret.Prefix}' followed by the base64 of {WebhookSecret.MinKeyBytes} to {WebhookSecret.MaxKeyBytes} random bytes; leave it out to have one generated.");
}
