using System.Text.RegularExpressions;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Complaints;

/// <summary>The web shows statuses in the words of the lifecycle table (the issue's Indonesian, and English), not its own.</summary>
public sealed partial class StatusLabelsTests
{
    [Fact]
    public void The_web_status_labels_in_both_languages_are_the_lifecycle_labels()
    {
        var i18n = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "web", "src", "i18n.js"));
        // The file holds the Indonesian table first, then the English one.
        var english = i18n.IndexOf("\n  en: {", StringComparison.Ordinal);
        Assert.True(english > 0, "web/src/i18n.js: no `en: {` table found");
        foreach (var status in Enum.GetValues<ComplaintStatus>())
        {
            var key = ComplaintStatuses.ToApi(status);
            var labels = StatusLabel().Matches(i18n).Where(m => m.Groups["key"].Value == key).ToList();
            Assert.Equal(2, labels.Count);
            Assert.True(labels[0].Index < english && labels[1].Index > english, $"status.{key}: one label per language");
            Assert.Equal(Lifecycle.Label[status].Id, labels[0].Groups["label"].Value);
            Assert.Equal(Lifecycle.Label[status].En, labels[1].Groups["label"].Value);
        }
    }

    [GeneratedRegex(@"'status\.(?<key>[a-z_]+)': '(?<label>[^']*)'")]
    private static partial Regex StatusLabel();
}
