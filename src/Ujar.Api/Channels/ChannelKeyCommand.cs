using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Channels;

/// <summary>
/// <c>channel-key create --name NAME --channel open311</c> | <c>channel-key list</c> | <c>channel-key revoke NAME</c>.
/// <c>create</c> writes the new key alone on standard output (so <c>KEY=$(… channel-key create …)</c> works) and its
/// explanation on standard error; the key is not shown again and never logged. Exit codes: 0 done, 1 refused
/// (a taken name, an unknown key), 2 usage error.
/// </summary>
public static class ChannelKeyCommand
{
    public static async Task<int> RunAsync(WebApplication app, UjarCommand command)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<UjarDb>>().CreateDbContextAsync();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        switch (command.Positional)
        {
            case ["create"]:
                switch (await ChannelKeys.CreateAsync(db, command.Options.GetValueOrDefault("--name"), command.Options.GetValueOrDefault("--channel"),
                            "cli", now, CancellationToken.None))
                {
                    case ChannelKeys.Invalid invalid:
                        return Usage(string.Join("; ", invalid.Errors.Select(e => $"--{e.Key}: {e.Value.En}")));
                    case ChannelKeys.NameTaken taken:
                        await Console.Error.WriteLineAsync($"ujar: an active key named '{taken.Name}' exists; revoke it first or choose another name");
                        return 1;
                    case ChannelKeys.Created created:
                        var view = created.Result.ChannelKey;
                        await Console.Error.WriteLineAsync(
                            $"Channel key '{view.Name}' ({view.Channel}) created. Give it to that system now: it is shown only this once.");
                        await Console.Out.WriteLineAsync(created.Result.Key);
                        return 0;
                    default:
                        throw new InvalidOperationException("unreachable");
                }
            case ["list"]:
                var keys = await ChannelKeys.ListAsync(db, CancellationToken.None);
                await Console.Out.WriteLineAsync($"{"NAME",-24} {"CHANNEL",-9} {"KEY",-8} {"CREATED (WIB)",-17} {"LAST USED (WIB)",-17} STATUS");
                foreach (var key in keys)
                    await Console.Out.WriteLineAsync(
                        $"{key.Name,-24} {key.Channel,-9} {"…" + key.Hint,-8} {Time(key.CreatedAt),-17} {Time(key.LastUsedAt),-17} " +
                        (key.RevokedAt is { } revoked ? $"revoked {Time(revoked)}" : "active"));
                if (keys.Count == 0) await Console.Error.WriteLineAsync("No channel keys yet: channel-key create --name NAME --channel open311");
                return 0;
            case ["revoke", var name]:
                if (await ChannelKeys.RevokeAsync(db, name, "cli", now, CancellationToken.None) is not { } done)
                {
                    await Console.Error.WriteLineAsync($"ujar: no active key named '{name}'");
                    return 1;
                }
                await Console.Out.WriteLineAsync($"Revoked channel key '{done.Name}' ({done.Channel}, …{done.Hint}); it stops working at once.");
                return 0;
            default:
                return Usage("channel-key needs one of: create --name NAME --channel open311 | list | revoke NAME");
        }
    }

    private static string Time(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";

    private static int Usage(string error)
    {
        Console.Error.WriteLine($"ujar: {error}");
        return 2;
    }
}
