namespace ExSync.Api.Tests.Infrastructure;

/// <summary>Files of the repository the tests were built from.</summary>
public static class Repository
{
    /// <summary>The repository root (the folder holding ExSync.sln).</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ExSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests must run from a build inside the ExSync repository.");
    }
}
