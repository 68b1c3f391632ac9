namespace ExSync.Api.Infrastructure.Requests;

/// <summary>
/// Marks a request type as the writable form of a resource. Fields the resource has but the input lacks are
/// read-only, and are reported as such (rather than as unknown) when a client sends them.
/// </summary>
/// <param name="resourceType">The resource type returned by GET.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class InputForAttribute(Type resourceType) : Attribute
{
    /// <summary>The resource type returned by GET.</summary>
    public Type ResourceType { get; } = resourceType;
}
