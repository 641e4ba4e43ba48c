namespace Ujar.Api.Complaints;

/// <summary>What a transition asks of the person making it.</summary>
[Flags]
public enum TransitionNeeds
{
    Nothing = 0,
    /// <summary>A reason or note: the reporter reads it on the tracking page.</summary>
    Note = 1,
    /// <summary>At least one "after" photo already stored for the complaint.</summary>
    AfterPhoto = 2,
    /// <summary>The ticket of the original complaint this one repeats.</summary>
    Original = 4,
    /// <summary>The OPD the complaint is re-routed to.</summary>
    Opd = 8,
}

/// <summary>Who may make a transition. Admins act as staff of every OPD; planners are none of these.</summary>
[Flags]
public enum Actors
{
    None = 0,
    /// <summary>OPD staff (verification, assignment, re-routing) of the complaint's OPD, or an admin.</summary>
    Staff = 1,
    /// <summary>A field crew member of the complaint's OPD.</summary>
    Crew = 2,
    /// <summary>The citizen holding the ticket's reporter token ("sudah / belum selesai").</summary>
    Reporter = 4,
    /// <summary>Ujar itself: closing a resolved complaint nobody answered for 10 working days.</summary>
    System = 8,
}

/// <summary>
/// The complaint lifecycle as one table: every allowed move and what it needs. A pair not in the table is refused.
/// Decisions the issue left open:
/// <list type="bullet">
/// <item>Bukan Wewenang (not_our_remit) is a waypoint: once the complaint is re-routed to the right OPD it goes back to
/// Diterima (received) for that OPD, so the new OPD verifies it like any new complaint; the earlier steps stay in the
/// timeline, which keeps the deadline history.</item>
/// <item>Dibuka Kembali (reopened) goes back to Didisposisikan (assigned): the OPD sends a crew again rather than
/// jumping to "in progress" with no one dispatched.</item>
/// <item>Ditolak and Duplikat are final; Ditutup is final except for Dibuka Kembali.</item>
/// <item>Rejecting or marking a duplicate is a decision of verification, so only before a crew is assigned; an OPD can
/// still say "not our remit" after assigning (the crew finds it is another agency's cable, say).</item>
/// </list>
/// </summary>
public static class Lifecycle
{
    public sealed record Transition(ComplaintStatus From, ComplaintStatus To, TransitionNeeds Needs, Actors By);

    /// <summary>Labels: Indonesian for the city's people, English beside it; the API name is <see cref="ComplaintStatuses.ToApi"/>.</summary>
    public sealed record Labels(string Id, string En);

    public static readonly IReadOnlyDictionary<ComplaintStatus, Labels> Label = new Dictionary<ComplaintStatus, Labels>
    {
        [ComplaintStatus.Received] = new("Diterima", "Received"),
        [ComplaintStatus.Verified] = new("Diverifikasi", "Verified"),
        [ComplaintStatus.Assigned] = new("Didisposisikan", "Assigned"),
        [ComplaintStatus.InProgress] = new("Dalam Proses", "In progress"),
        [ComplaintStatus.Resolved] = new("Selesai", "Resolved"),
        [ComplaintStatus.Closed] = new("Ditutup", "Closed"),
        [ComplaintStatus.Rejected] = new("Ditolak", "Rejected"),
        [ComplaintStatus.Duplicate] = new("Duplikat", "Duplicate"),
        [ComplaintStatus.NotOurRemit] = new("Bukan Wewenang", "Not our remit"),
        [ComplaintStatus.Reopened] = new("Dibuka Kembali", "Reopened"),
    };

    private const TransitionNeeds Note = TransitionNeeds.Note;
    private const TransitionNeeds Nothing = TransitionNeeds.Nothing;
    private const Actors Staff = Actors.Staff;

    public static readonly IReadOnlyList<Transition> Transitions =
    [
        // The main path.
        new(ComplaintStatus.Received, ComplaintStatus.Verified, Nothing, Staff),
        new(ComplaintStatus.Verified, ComplaintStatus.Assigned, Nothing, Staff),
        new(ComplaintStatus.Assigned, ComplaintStatus.InProgress, Nothing, Staff | Actors.Crew),
        new(ComplaintStatus.InProgress, ComplaintStatus.Resolved, Note | TransitionNeeds.AfterPhoto, Staff | Actors.Crew),
        new(ComplaintStatus.Resolved, ComplaintStatus.Closed, Nothing, Actors.Reporter | Actors.System),

        // Verification's side paths.
        new(ComplaintStatus.Received, ComplaintStatus.Rejected, Note, Staff),
        new(ComplaintStatus.Verified, ComplaintStatus.Rejected, Note, Staff),
        new(ComplaintStatus.Received, ComplaintStatus.Duplicate, TransitionNeeds.Original, Staff),
        new(ComplaintStatus.Verified, ComplaintStatus.Duplicate, TransitionNeeds.Original, Staff),

        // Re-routing to another OPD, which receives it afresh (both steps are made by one request).
        new(ComplaintStatus.Received, ComplaintStatus.NotOurRemit, Note | TransitionNeeds.Opd, Staff),
        new(ComplaintStatus.Verified, ComplaintStatus.NotOurRemit, Note | TransitionNeeds.Opd, Staff),
        new(ComplaintStatus.Assigned, ComplaintStatus.NotOurRemit, Note | TransitionNeeds.Opd, Staff),
        new(ComplaintStatus.NotOurRemit, ComplaintStatus.Received, Nothing, Staff),

        // "Belum selesai": back to the OPD, counted against it.
        new(ComplaintStatus.Resolved, ComplaintStatus.Reopened, Note, Actors.Reporter | Staff),
        new(ComplaintStatus.Closed, ComplaintStatus.Reopened, Note, Actors.Reporter | Staff),
        new(ComplaintStatus.Reopened, ComplaintStatus.Assigned, Nothing, Staff),
    ];

    private static readonly ILookup<ComplaintStatus, Transition> ByFrom = Transitions.ToLookup(t => t.From);

    public static IReadOnlyList<Transition> AllowedFrom(ComplaintStatus from) => ByFrom[from].ToList();

    /// <summary>Why a transition was refused: <see cref="Missing"/> is empty when the pair itself is not allowed.</summary>
    public sealed record Refusal(ComplaintStatus From, ComplaintStatus To, TransitionNeeds Missing, IReadOnlyList<Transition> Allowed);

    /// <summary>Null when <paramref name="from"/> → <paramref name="to"/> is allowed and everything it needs is given.</summary>
    public static Refusal? Check(ComplaintStatus from, ComplaintStatus to, string? note, bool hasAfterPhoto, string? duplicateOf,
        string? targetOpd = null)
    {
        var transition = ByFrom[from].FirstOrDefault(t => t.To == to);
        if (transition is null) return new Refusal(from, to, TransitionNeeds.Nothing, AllowedFrom(from));
        var given = (string.IsNullOrWhiteSpace(note) ? 0 : TransitionNeeds.Note)
                    | (hasAfterPhoto ? TransitionNeeds.AfterPhoto : 0)
                    | (string.IsNullOrWhiteSpace(duplicateOf) ? 0 : TransitionNeeds.Original)
                    | (string.IsNullOrWhiteSpace(targetOpd) ? 0 : TransitionNeeds.Opd);
        var missing = transition.Needs & ~given;
        return missing == TransitionNeeds.Nothing ? null : new Refusal(from, to, missing, AllowedFrom(from));
    }

    public sealed record NextView(string Status, IReadOnlyList<string> Needs, IReadOnlyList<string> By);
    public sealed record StatusView(string Status, string LabelId, string LabelEn, IReadOnlyList<NextView> Next);

    /// <summary>GET /api/statuses: the table itself, so clients show the same labels and offer only allowed moves.</summary>
    public static IReadOnlyList<StatusView> Statuses { get; } = Enum.GetValues<ComplaintStatus>()
        .Select(s => new StatusView(ComplaintStatuses.ToApi(s), Label[s].Id, Label[s].En,
            AllowedFrom(s).Select(t => new NextView(ComplaintStatuses.ToApi(t.To), NeedNames(t.Needs), ActorNames(t.By))).ToList()))
        .ToList();

    /// <summary>API names of what a transition needs: <c>note</c>, <c>after_photo</c>, <c>original</c>, <c>opd</c>.</summary>
    public static IReadOnlyList<string> NeedNames(TransitionNeeds needs) => FlagNames(needs);

    /// <summary>API names of who may make a transition: <c>staff</c>, <c>crew</c>, <c>reporter</c>, <c>system</c>.</summary>
    public static IReadOnlyList<string> ActorNames(Actors by) => FlagNames(by);

    private static IReadOnlyList<string> FlagNames<T>(T flags) where T : struct, Enum =>
        Enum.GetValues<T>().Where(f => Convert.ToInt32(f) != 0 && flags.HasFlag(f))
            .Select(f => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(f.ToString())).ToList();
}
