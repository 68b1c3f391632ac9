using System.Net.Mail;
using ExSync.Api.Infrastructure.Problems;
using FluentValidation;

namespace ExSync.Api.Infrastructure.Validation;

/// <summary>Validation rules shared by several request types.</summary>
public static class CommonRules
{
    /// <summary>
    /// Text on one line (names, identifiers, addresses, secrets): no control character at all, that is no C0 control (U+0000–U+001F,
    /// tab and line breaks included), DEL or C1 control (U+007F–U+009F). They are invisible, break logs, CSV exports and Exchange
    /// calls, and a NUL ends the string in native code. (Unpaired surrogates never get here: the JSON reader refuses them.)
    /// </summary>
    public static IRuleBuilderOptions<T, string?> MustBeSingleLineText<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MustHaveNoControlCharacterBut(string.Empty);

    /// <summary>Free text that may span lines (descriptions, PEM certificates): tab, CR and LF are allowed, other control characters not.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeMultiLineText<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MustHaveNoControlCharacterBut("\t\r\n");

    private static IRuleBuilderOptions<T, string?> MustHaveNoControlCharacterBut<T>(this IRuleBuilder<T, string?> rule, string allowed) => rule
        .Must(value => FirstControlCharacter(value, allowed) < 0)
        .WithErrorCode(FieldErrorCodes.ControlCharacter)
        // The value itself is not quoted: the field may be a password.
        .WithMessage((_, value) =>
        {
            var index = FirstControlCharacter(value, allowed);
            return $"Control characters are not allowed here{(allowed.Length > 0 ? " (except tab and line breaks)" : string.Empty)}; " +
                   $"found U+{(int)value![index]:X4} at position {index + 1}.";
        });

    private static int FirstControlCharacter(string? value, string allowed)
    {
        for (var i = 0; i < (value?.Length ?? 0); i++)
        {
            if (char.IsControl(value![i]) && !allowed.Contains(value[i], StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

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
