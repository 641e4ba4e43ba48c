using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Setup;

namespace Ujar.Api.Tasks;

/// <summary>A move someone may make now, and what it needs (<c>note</c>, <c>after_photo</c>, <c>original</c>, <c>opd</c>).</summary>
public sealed record AllowedMove(string Status, IReadOnlyList<string> Needs);

public sealed record StepView(string? From, string To, DateTimeOffset At);

/// <summary>The answer to a status change that was made.</summary>
public sealed record StatusChanged(string Ticket, string Status, string Opd, uint Version, bool NeedsReview, IReadOnlyList<StepView> Steps);

/// <summary>Every outcome of <see cref="ComplaintStatusChanges.ChangeAsync"/> as HTTP, shared by staff, crews and reporters.</summary>
public static class StatusChangeResults
{
    public static IResult ToResult(ComplaintStatusChanges.Outcome outcome, string ticket, Actors actor) => outcome switch
    {
        ComplaintStatusChanges.Changed changed => TypedResults.Ok(new StatusChanged(changed.Complaint.Ticket,
            ComplaintStatuses.ToApi(changed.Complaint.Status), changed.Complaint.OpdCode, changed.Complaint.Version,
            changed.Steps[0].NeedsReview,
            changed.Steps.Select(s => new StepView(s.From is { } from ? ComplaintStatuses.ToApi(from) : null, ComplaintStatuses.ToApi(s.To),
                Wib.ToWib(s.At))).ToList())),
        ComplaintStatusChanges.NotFound => TaskProblems.TicketNotFound(ticket),
        ComplaintStatusChanges.Forbidden => actor == Actors.Reporter ? TaskProblems.WrongReporterToken() : TaskProblems.Forbidden(),
        ComplaintStatusChanges.AlreadyInStatus already => Problems.Result(Problems.Create(409, "already_in_status",
            new Bilingual("Status sudah seperti itu", "Already in that status"),
            new Bilingual($"Laporan ini sudah berstatus {Lifecycle.Label[already.Status].Id}.",
                $"This complaint is already {Lifecycle.Label[already.Status].En}."))),
        ComplaintStatusChanges.ChangedMeanwhile meanwhile => ChangedMeanwhile(meanwhile.CurrentVersion),
        ComplaintStatusChanges.NotAllowed refused => NotAllowed(refused.Refusal, actor),
        ComplaintStatusChanges.OriginalOutOfScope original => Problems.Result(Problems.Create(403, "original_of_another_opd",
            new Bilingual("Laporan asli milik OPD lain", "The original belongs to another OPD"),
            new Bilingual($"Laporan asli {original.Original} ditangani OPD {original.OriginalOpd}. Menandai duplikat lintas OPD memindahkan dukungannya ke sana: hanya admin yang boleh.",
                $"The original {original.Original} is handled by OPD {original.OriginalOpd}. Marking a duplicate across OPDs moves its supporters there: only an admin may."))),
        ComplaintStatusChanges.AssigneeRefused refused => Problems.Validation(new Dictionary<string, Bilingual>
        {
            ["assignee"] = refused.WrongMove
                ? new("petugas hanya ditunjuk saat mendisposisikan", "a crew member is named only when assigning")
                : new($"bukan petugas lapangan OPD {refused.Opd}", $"not a field crew account of OPD {refused.Opd}"),
        }),
        _ => throw new InvalidOperationException($"unknown outcome {outcome}"),
    };

    /// <summary>The moves from <paramref name="status"/> that <paramref name="actor"/> may make (an admin counts as staff).</summary>
    public static IReadOnlyList<AllowedMove> AllowedFor(ComplaintStatus status, Actors actor) =>
        Lifecycle.AllowedFrom(status).Where(t => actor != Actors.None && t.By.HasFlag(actor))
            .Select(t => new AllowedMove(ComplaintStatuses.ToApi(t.To), Lifecycle.NeedNames(t.Needs))).ToList();

    private static IResult ChangedMeanwhile(uint currentVersion)
    {
        var problem = Problems.Create(409, "changed_meanwhile",
            new Bilingual("Laporan sudah diubah orang lain", "The complaint was changed meanwhile"),
            new Bilingual("Muat ulang laporan, periksa perubahannya, lalu coba lagi.", "Reload the complaint, check what changed, and try again."));
        problem.Extensions["currentVersion"] = currentVersion;
        return Problems.Result(problem);
    }

    private static IResult NotAllowed(Lifecycle.Refusal refusal, Actors actor)
    {
        var (from, to) = (Lifecycle.Label[refusal.From], Lifecycle.Label[refusal.To]);
        var missing = Lifecycle.NeedNames(refusal.Missing);
        var problem = missing.Count == 0
            ? Problems.Create(409, "transition_not_allowed",
                new Bilingual("Perubahan status tidak diizinkan", "Status change not allowed"),
                new Bilingual($"Dari {from.Id} tidak dapat ke {to.Id}.", $"{from.En} cannot move to {to.En}."))
            : Problems.Create(409, "transition_not_allowed",
                new Bilingual("Data untuk perubahan status belum lengkap", "The status change needs more"),
                new Bilingual($"Dari {from.Id} ke {to.Id} memerlukan: {string.Join(", ", missing)}.",
                    $"{from.En} to {to.En} needs: {string.Join(", ", missing)}."));
        problem.Extensions["from"] = ComplaintStatuses.ToApi(refusal.From);
        problem.Extensions["to"] = ComplaintStatuses.ToApi(refusal.To);
        problem.Extensions["missing"] = missing;
        problem.Extensions["allowed"] = AllowedFor(refusal.From, actor);
        return Problems.Result(problem);
    }
}

public static class TaskProblems
{
    public static IResult TicketNotFound(string ticket) =>
        Problems.NotFound(new Bilingual($"Tiket {Shorten(ticket)} tidak ditemukan", $"Ticket {Shorten(ticket)} not found"));

    public static IResult Forbidden() =>
        Problems.Result(Problems.Create(403, "forbidden",
            new Bilingual("Tidak berwenang", "Forbidden"),
            new Bilingual("Laporan ini milik OPD lain, atau perubahan ini bukan untuk peran Anda.",
                "This complaint belongs to another OPD, or this change is not for your role.")));

    public static IResult WrongReporterToken() =>
        Problems.Result(Problems.Create(403, "forbidden",
            new Bilingual("Token pelapor tidak cocok", "Reporter token does not match"),
            new Bilingual($"Hanya pelapor, dengan token yang diberikan saat melapor (header {ReporterToken.Header}), yang dapat menjawab.",
                $"Only the reporter, with the token given at filing (header {ReporterToken.Header}), can answer.")));

    /// <summary>Staff and crews work their own OPD only: asking for another one is refused, not silently narrowed.</summary>
    public static IResult? OpdOutOfScope(StaffScope scope, string? opd) =>
        !scope.IsAdmin && !string.IsNullOrWhiteSpace(opd) && !string.Equals(opd.Trim(), scope.OpdCode, StringComparison.OrdinalIgnoreCase)
            ? Forbidden()
            : null;

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";
}
