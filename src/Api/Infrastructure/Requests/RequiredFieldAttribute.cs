namespace ExSync.Api.Infrastructure.Requests;

/// <summary>
/// A field a request body must contain, listed as <c>required</c> (and not nullable) in the OpenAPI document, so that Swagger UI
/// and generated clients show it. The validator enforces the rule; this documents it. In a JSON Merge Patch every field is optional
/// (RFC 7396), so the PATCH body of a type is documented as a twin schema without the mark (see <c>RequestBodyDocumentation</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RequiredFieldAttribute : Attribute;
