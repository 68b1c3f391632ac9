using System.Security.Claims;
using ExSync.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Infrastructure.Security;

/// <summary>
/// JWT bearer authentication configured from the standard <c>Authentication:Schemes:Bearer</c> section (ValidIssuer, ValidAudiences,
/// SigningKeys or Authority), so that tokens from Entra ID, Keycloak or <c>dotnet user-jwts</c> all work; and one authorization policy
/// per privilege. Every endpoint requires an authenticated caller unless it is explicitly anonymous (health, OpenAPI, Swagger UI).
/// </summary>
public static class AuthenticationSetup
{
    public static WebApplicationBuilder AddApiSecurity(this WebApplicationBuilder builder)
    {
        var validated = new ValidatedTokenCache();
        builder.Services.AddSingleton(validated);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            // Keep claim names as the token has them (sub, roles, role) instead of the legacy SOAP-style URIs.
            options.MapInboundClaims = false;

            // Nothing reads the raw token from the authentication properties; storing it costs every request.
            options.SaveToken = false;
            options.TokenValidationParameters.NameClaimType = "sub";
            options.TokenValidationParameters.RoleClaimType = Privileges.RoleClaim;
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = validated.OnMessageReceived,
                OnTokenValidated = context =>
                {
                    // Every change is audited under the caller's id: a token that names nobody (or names ExSync's own
                    // reserved actors) would make changes nobody can be held to.
                    if (context.Principal is not { } principal || CurrentUser.IdentifierOf(principal) is not { } callerId || CurrentUser.IsReserved(callerId))
                    {
                        context.Fail(new UnidentifiedCallerException());
                        return Task.CompletedTask;
                    }

                    // Entra ID puts app roles in "roles"; dotnet user-jwts and many identity providers use "role".
                    if (context.Principal?.Identity is ClaimsIdentity identity)
                    {
                        foreach (var role in identity.FindAll("role").ToList())
                        {
                            if (!identity.HasClaim(Privileges.RoleClaim, role.Value))
                            {
                                identity.AddClaim(new Claim(Privileges.RoleClaim, role.Value));
                            }
                        }
                    }

                    validated.Remember(context);
                    return Task.CompletedTask;
                },
                OnChallenge = WriteUnauthorizedAsync,
            };
        });

        // The settings are checked at start, and the clock skew replaces the framework's 5 minutes.
        builder.Services.AddOptions<AuthenticationSettings>().BindConfiguration(AuthenticationSettings.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthenticationSettings>, AuthenticationSettingsValidator>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthenticationSettings>>(
            (options, settings) => options.TokenValidationParameters.ClockSkew = settings.Value.ClockSkew);

        // The framework reads the signing keys from configuration lazily, at every request: a configuration lookup under a lock,
        // base64 decoding, and a new key object whose new HMAC is never reused and ends in the finalizer queue. Read them once; new
        // keys need a restart (README).
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
            options.TokenValidationParameters.IssuerSigningKeys = options.TokenValidationParameters.IssuerSigningKeys?.ToList());

        builder.Services.AddAuthorization(options =>
        {
            foreach (var privilege in Privileges.All)
            {
                options.AddPolicy(privilege, policy => policy.RequireAuthenticatedUser().RequireRole(privilege));
            }

            // Anything not marked otherwise needs a signed-in caller: a route added later cannot be left open by mistake.
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ForbiddenProblemHandler>();
        return builder;
    }

    /// <summary>401 as problem+json, with the standard WWW-Authenticate header, saying what was wrong with the token.</summary>
    private static async Task WriteUnauthorizedAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var reason = context.AuthenticateFailure switch
        {
            null => "No bearer token was sent. Send 'Authorization: Bearer <token>' (see the README for how to get one).",
            Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException => "The bearer token has expired. Get a new one.",
            Microsoft.IdentityModel.Tokens.SecurityTokenNotYetValidException =>
                "The bearer token is not valid yet (its not-before time is ahead). Check the clocks of the token's issuer and of ExSync.",
            Microsoft.IdentityModel.Tokens.SecurityTokenInvalidAudienceException => "The bearer token is not meant for this API (wrong audience).",
            Microsoft.IdentityModel.Tokens.SecurityTokenInvalidIssuerException => "The bearer token comes from an issuer this API does not trust.",
            Microsoft.IdentityModel.Tokens.SecurityTokenSignatureKeyNotFoundException or Microsoft.IdentityModel.Tokens.SecurityTokenInvalidSignatureException =>
                "The bearer token's signature cannot be verified with the keys this API trusts.",
            UnidentifiedCallerException unidentified => unidentified.Message,
            _ => "The bearer token is not valid.",
        };
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = Problem.Create(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, reason),
        });
    }
}

/// <summary>A valid token without a usable subject (<c>sub</c> or <c>oid</c>): ExSync cannot tell who is acting.</summary>
public sealed class UnidentifiedCallerException()
    : Microsoft.IdentityModel.Tokens.SecurityTokenValidationException(
        $"The bearer token has no subject: it needs a non-empty 'sub' (or Entra ID 'oid') claim other than '{CurrentUser.Anonymous}' or '{CurrentUser.System}', so that changes can be attributed to someone.");
