namespace ExSync.Api.Infrastructure;

/// <summary>Where ExSync reads its appsettings files from.</summary>
public static class ContentRoot
{
    /// <summary>
    /// Host options whose content root is the application's directory, unless <c>--contentRoot</c> (or <c>ASPNETCORE_CONTENTROOT</c>,
    /// <c>DOTNET_CONTENTROOT</c>) chooses one. ASP.NET Core's default is the working directory, while ExSync keeps its database and key
    /// ring beside the application: started from another directory, it read no appsettings.json at all, yet used the database
    /// beside the application.
    /// </summary>
    public static WebApplicationOptions BesideTheApplication(string[] args)
    {
        var chosen = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        return new WebApplicationOptions { Args = args, ContentRootPath = string.IsNullOrEmpty(chosen) ? AppContext.BaseDirectory : null };
    }
}
