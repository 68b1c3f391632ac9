using Microsoft.AspNetCore.Http.Extensions;

namespace ExSync.Api.Infrastructure.Http;

/// <summary>Absolute URLs of resources, for Location and Operation-Location headers.</summary>
public static class ResourceUrls
{
    /// <summary>The absolute URL of <paramref name="path"/> (starting with /api/…) on the host the request came to.</summary>
    public static string Absolute(HttpRequest request, string path) =>
        UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, new PathString(path));
}
