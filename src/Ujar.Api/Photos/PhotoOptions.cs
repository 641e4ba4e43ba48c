using Ujar.Api.Setup;

namespace Ujar.Api.Photos;

/// <summary>Where photo files live (<c>Ujar:MediaPath</c>). The Docker image sets <c>/var/lib/ujar/media</c>, a volume.</summary>
public sealed class PhotoOptions
{
    public string MediaPath { get; set; } = "";

    /// <summary>Beside the embedded cluster's data in the checkout (git-ignored), so a developer's photos survive restarts.</summary>
    public static string DefaultMediaPath() => Path.Combine(UjarCommand.RepositoryRoot(), ".ujar-data", "media");

    public string PhotosFolder => Path.Combine(MediaPath, "photos");

    /// <summary>Checked at start: a server that cannot keep photos should say so before a citizen sends one.</summary>
    public static bool FolderIsUsable(PhotoOptions options)
    {
        try
        {
            Directory.CreateDirectory(options.PhotosFolder);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
