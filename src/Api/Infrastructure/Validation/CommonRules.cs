using System.Net.Mail;
using ExSync.Api.Infrastructure.Problems;
using FluentValidation;

namespace ExSync.Api.Infrastructure.Validation;

/// <summary>Validation rules shared by several request types.</summary>
public static class CommonRules
{
    /// <summary>A single SMTP address, without a display name.</summary>
    /// <remarks>A blank value passes: whether the field is required is NotEmpty's rule, so a missing address is reported once, as Required.</remarks>
    public static IRuleBuilderOptions<T, string?> MustBeEmailAddress<T>(this IRuleBuilder<T, string?> rule) => rule
        .Must(value => string.IsNullOrWhiteSpace(value) || IsEmailAddress(value))
        .WithErrorCode(FieldErrorCodes.InvalidEmailAddress)
        .WithMessage("'{PropertyValue}' is not a valid email address; use the form name@domain.");

    /// <summary>Whether <paramref name="value"/> is one plain SMTP address.</summary>
    public static bool IsEmailAddress(string? value) =>
        value is not null
        && !value.Any(char.IsWhiteSpace)
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && string.IsNullOrEmpty(address.DisplayName);

    /// <summary>An absolute URL that ExSync may connect to: https, or http when the deployment allows insecure HTTP.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeServerUrl<T>(this IRuleBuilder<T, string?> rule, Func<bool> allowHttp) => rule
        .Must(value => Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.UserInfo.Length == 0 && uri.Fragment.Length == 0)
        .WithErrorCode(FieldErrorCodes.InvalidUrl)
        .WithMessage("'{PropertyValue}' is not an absolute URL such as https://mail.contoso.com/EWS/Exchange.asmx (no user name or #fragment).")
        .Must(value => !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme == Uri.UriSchemeHttps || allowHttp())
        .WithErrorCode(FieldErrorCodes.InsecureUrl)
        .WithMessage("Exchange must be reached over https: credentials would travel in clear text over http. " +
                     "(Development deployments can allow http with the Exchange:AllowInsecureHttp setting.)");
}
