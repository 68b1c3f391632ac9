namespace ExSync.ExchangeSimulator;

/// <summary>
/// Where the standalone simulator keeps its certificate authority, and how: a per-user directory readable by its owner
/// only, and key files created owner-only (0600) from the first byte. Anyone who can read the key can issue
/// certificates that every client trusting the CA accepts, so it never goes to a shared place such as /tmp, and it is
/// never written world-readable first and restricted afterwards.
/// </summary>
internal static class OwnerOnlyFiles
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The per-user state directory: $XDG_DATA_HOME or ~/.local/share on Linux, %LOCALAPPDATA% on Windows.</summary>
    public static string DefaultDirectory()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(root)
            ? throw new IOException("There is no per-user data directory (HOME is not set) for the simulator's certificate authority; set Simulator:CaPkcs12File and Simulator:CaCertificateFile.")
            : Path.Combine(root, "exsync-simulator");
    }

    /// <summary>
    /// Creates <paramref name="directory"/> owner-only (0700). An existing directory is tightened only when
    /// <paramref name="ours"/> (the default location): a directory the user named is theirs to manage.
    /// </summary>
    public static void EnsureDirectory(string directory, bool ours)
    {
        if (OperatingSystem.IsWindows())
        {
            // %LOCALAPPDATA% is already private to the user by its ACL.
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }
        else if (ours && (File.GetUnixFileMode(directory) & GroupOrOthers) != 0)
        {
            File.SetUnixFileMode(directory, OwnerOnlyDirectory);
        }
    }

    /// <summary>True unless the file can be read or written by anyone but its owner.</summary>
    public static bool IsOwnerOnly(string path) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & GroupOrOthers) == 0;

    /// <summary>
    /// Writes <paramref name="contents"/> to a new owner-only file beside <paramref name="path"/>, then renames it over
    /// <paramref name="path"/>: the key is never readable by others, not even for a moment, and a reader never sees half a file.
    /// </summary>
    public static void WriteAllBytes(string path, byte[] contents)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(contents);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
