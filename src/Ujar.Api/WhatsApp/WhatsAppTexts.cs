using System.Globalization;
using Ujar.Api.Complaints;
using Ujar.Api.Setup;

namespace Ujar.Api.WhatsApp;

/// <summary>Everything the bot says, in Bahasa Indonesia and English. WhatsApp shows <c>*text*</c> in bold.</summary>
public static class WhatsAppTexts
{
    public static Bilingual Instructions(City city) => new(
        $"Halo! Ini Ujar, layanan pengaduan {city.Name}.\n\n"
        + "Untuk melapor, kirim *lokasi* masalahnya: tekan 📎 (Lampiran) lalu *Lokasi*, geser peta ke tempatnya, lalu kirim lokasi itu.\n"
        + $"Untuk cek laporan, tulis nomor tiketnya, misalnya *cek {Tickets.Format(city.TicketPrefix, 2026, 123)}*.\n"
        + "Tulis *batal* untuk membatalkan laporan yang sedang dibuat.",
        $"Hello! This is Ujar, the complaint service of {city.NameEn}.\n\n"
        + "To report a problem, share its *location*: tap 📎 (Attach), then *Location*, move the map to the spot and send that location.\n"
        + $"To check a report, write its ticket number, e.g. *check {Tickets.Format(city.TicketPrefix, 2026, 123)}*.\n"
        + "Write *cancel* to cancel a report you are making.");

    public static Bilingual OutsideCity(City city) => new(
        $"Lokasi ini di luar wilayah {city.Name}, jadi tidak dapat kami terima. Kirim lokasi lain di dalam wilayah itu bila ingin melapor.",
        $"This place is outside {city.NameEn}, so we cannot take the report. Share another location inside it to report.");

    public static Bilingual Where(string kelurahan, string kecamatan) => new(
        $"Lokasi: {Titled("Kelurahan", kelurahan)}, {Titled("Kecamatan", kecamatan)}.\nPilih kategori masalahnya; tiap pilihan menyebut dinas yang akan menanganinya.",
        $"Location: {Titled("Kelurahan", kelurahan)}, {Titled("Kecamatan", kecamatan)}.\nChoose what the problem is; each choice names the agency that will handle it.");

    /// <summary>"Kelurahan Kemboja" from "Kemboja", and a name that already says it as it is.</summary>
    private static string Titled(string level, string name) =>
        name.StartsWith(level + " ", StringComparison.OrdinalIgnoreCase) ? name : $"{level} {name}";

    public static readonly Bilingual ListButton = new("Pilih kategori", "Choose category");
    public static readonly Bilingual ListSection = new("Kategori", "Categories");
    public static readonly Bilingual MoreRowTitle = new("Kategori lain ›", "More categories ›");
    public static readonly Bilingual MoreRowDescription = new("Lihat pilihan berikutnya", "See the next choices");
    public static Bilingual HandledBy(string opd) => new($"Ditangani {opd}", $"Handled by {opd}");

    public static readonly Bilingual ChooseFromList = new("Silakan pilih kategori dari daftar.", "Please choose a category from the list.");
    public static readonly Bilingual CategoryGone = new("Kategori itu tidak tersedia. Pilih dari daftar.", "That category is not available. Please choose from the list.");

    public static Bilingual AskDescription(string category, string opd) => new(
        $"Kategori: {category} (ditangani {opd}).\nTulis uraian singkat masalahnya, misalnya \"Lubang besar di depan sekolah\".",
        $"Category: {category} (handled by {opd}).\nWrite a short description of the problem, e.g. \"Big hole in front of the school\".");

    public static readonly Bilingual DescriptionFirst = new(
        "Tulis dulu uraian singkat masalahnya. Anda juga bisa mengirim foto dengan keterangan (caption) sebagai uraiannya.",
        "Please write a short description of the problem first. You can also send the photo with a caption as the description.");

    public static readonly Bilingual AskPhoto = new(
        "Terima kasih. Kirim *foto* masalahnya, atau tekan *Lewati* bila tidak ada.",
        "Thank you. Send a *photo* of the problem, or tap *Skip* if you have none.");

    public static readonly Bilingual PhotoOrSkip = new(
        "Kirim foto masalahnya, atau tekan *Lewati* untuk mengirim laporan tanpa foto.",
        "Send a photo of the problem, or tap *Skip* to send the report without one.");

    public static readonly Bilingual SkipButton = new("Lewati", "Skip");

    public static readonly Bilingual PhotoUnreadable = new(
        "Foto itu tidak dapat kami baca. Kirim foto lain (JPEG, PNG atau WebP), atau tekan *Lewati*.",
        "We could not read that photo. Send another one (JPEG, PNG or WebP), or tap *Skip*.");

    public static readonly Bilingual PhotoTooLarge = new(
        "Foto itu lebih dari 10 MB. Kirim foto yang lebih kecil, atau tekan *Lewati*.",
        "That photo is over 10 MB. Send a smaller one, or tap *Skip*.");

    public static Bilingual Filed(string ticket, string opd, string trackingUrl, bool photoLost) => new(
        $"✅ Laporan diterima.\nNomor tiket: *{ticket}*\nDiteruskan ke: {opd}\nPantau perkembangannya: {trackingUrl}\n"
        + "Kami akan mengabari Anda di sini setiap kali statusnya berubah."
        + (photoLost ? "\n\nFotonya tidak berhasil kami ambil, jadi laporan dikirim tanpa foto." : ""),
        $"✅ Report received.\nTicket number: *{ticket}*\nSent to: {opd}\nFollow it here: {trackingUrl}\n"
        + "We will tell you here whenever its status changes."
        + (photoLost ? "\n\nWe could not fetch the photo, so the report was sent without it." : ""));

    public static Bilingual NotAccepted(string titleId, string titleEn, IEnumerable<Bilingual> errors) => new(
        $"Laporan belum dapat diterima: {titleId}." + string.Concat(errors.Select(e => $"\n• {e.Id}")),
        $"The report could not be accepted: {titleEn}." + string.Concat(errors.Select(e => $"\n• {e.En}")));

    /// <summary>A number that filed <paramref name="perHour"/> complaints within the last hour; the report under way is kept.</summary>
    public static Bilingual TooManyReports(int perHour, DateTimeOffset sendAfter) => new(
        $"Nomor ini sudah mengirim {perHour} laporan dalam satu jam terakhir, batas untuk satu nomor. Laporan ini belum kami simpan: "
        + $"kirim fotonya atau tekan *Lewati* lagi setelah pukul {Clock(sendAfter, Indonesian)} untuk mengirimnya, atau tulis *batal*.",
        $"This number has sent {perHour} reports in the past hour, the limit for one number. This report is not stored yet: "
        + $"send its photo or tap *Skip* again after {Clock(sendAfter, English)} to send it, or write *cancel*.");

    public static readonly Bilingual DescribeAgain = new("Tulis uraiannya lagi.", "Please write the description again.");
    public static readonly Bilingual StartAgain = new("Kirim lokasi untuk memulai lagi.", "Share a location to start again.");

    public static readonly Bilingual Cancelled = new(
        "Laporan dibatalkan. Kirim lokasi kapan saja untuk melapor lagi.",
        "Report cancelled. Share a location any time to report again.");

    public static readonly Bilingual Unsupported = new(
        "Maaf, saya hanya dapat membaca teks, lokasi, dan foto.",
        "Sorry, I only read text, locations and photos.");

    public static readonly Bilingual GaveUp = new(
        "Maaf, pesan Anda tidak dapat kami proses. Silakan kirim lagi.",
        "Sorry, we could not process your message. Please send it again.");

    public static Bilingual TicketNotFound(string ticket) => new(
        $"Tiket {ticket} tidak ditemukan. Periksa lagi nomornya.",
        $"Ticket {ticket} was not found. Please check the number.");

    public static Bilingual TicketStatus(string ticket, Bilingual status, Bilingual opd, DateTimeOffset lastUpdate, DateTimeOffset? due, string url) => new(
        $"Tiket *{ticket}*\nStatus: *{status.Id}*\nDitangani: {opd.Id}\nPembaruan terakhir: {When(lastUpdate, Indonesian)}"
        + (due is { } d ? $"\nTenggat berikutnya: {When(d, Indonesian)}" : "") + $"\n{url}",
        $"Ticket *{ticket}*\nStatus: *{status.En}*\nHandled by: {opd.En}\nLast update: {When(lastUpdate, English)}"
        + (due is { } e ? $"\nNext deadline: {When(e, English)}" : "") + $"\n{url}");

    public static Bilingual StatusChanged(string ticket, Bilingual status, string? note, string url) => new(
        $"Tiket *{ticket}*: status kini *{status.Id}*." + (note is null ? "" : $"\nCatatan: {note}") + $"\n{url}",
        $"Ticket *{ticket}*: the status is now *{status.En}*." + (note is null ? "" : $"\nNote: {note}") + $"\n{url}");

    public static Bilingual Forwarded(string ticket, Bilingual opd, string? reason, string url) => new(
        $"Tiket *{ticket}* diteruskan ke {opd.Id}." + (reason is null ? "" : $"\nAlasan: {reason}") + $"\n{url}",
        $"Ticket *{ticket}* was forwarded to {opd.En}." + (reason is null ? "" : $"\nReason: {reason}") + $"\n{url}");

    private static readonly CultureInfo Indonesian = CultureInfo.GetCultureInfo("id-ID");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>A time in WIB as people write it: "7 Mar 2026 14.05 WIB" / "7 Mar 2026 14:05 WIB".</summary>
    private static string Clock(DateTimeOffset at, CultureInfo culture) =>
        at.ToOffset(TimeSpan.FromHours(7)).ToString(culture == Indonesian ? "HH.mm" : "HH:mm", culture) + " WIB";

    private static string When(DateTimeOffset at, CultureInfo culture) =>
        at.ToOffset(TimeSpan.FromHours(7)).ToString(culture == Indonesian ? "d MMM yyyy HH.mm" : "d MMM yyyy HH:mm", culture) + " WIB";
}

/// <summary>
/// Which language a person writes in, from a small word list: each text counts its common Indonesian and English words,
/// and a clear majority switches the conversation; a tie (a bare ticket number, "ok") keeps what it was.
/// </summary>
public static class WhatsAppLanguages
{
    private static readonly HashSet<string> EnglishWords =
    [
        "the", "a", "an", "is", "are", "was", "there", "here", "this", "that", "it", "in", "on", "at", "of", "to", "and", "with",
        "near", "my", "i", "please", "hello", "hi", "thanks", "thank", "you", "check", "cancel", "skip", "what", "how", "where",
        "not", "broken", "hole", "road", "street", "trash", "rubbish", "garbage", "flood", "flooding", "water", "light", "tree",
        "big", "front", "house", "school", "report", "status", "help", "good", "morning", "evening",
    ];

    private static readonly HashSet<string> IndonesianWords =
    [
        "yang", "di", "ke", "dari", "dan", "ini", "itu", "ada", "tidak", "belum", "sudah", "dengan", "untuk", "saya", "kami",
        "mohon", "tolong", "halo", "selamat", "pagi", "siang", "sore", "malam", "terima", "kasih", "cek", "batal", "lewati",
        "jalan", "lubang", "sampah", "banjir", "genangan", "rusak", "lampu", "mati", "pohon", "air", "depan", "dekat", "rumah",
        "sekolah", "besar", "pak", "bu", "apa", "bagaimana", "laporan", "lapor", "gang", "parit", "tumbang",
    ];

    public static ChatLanguage Guess(string text, ChatLanguage current)
    {
        int english = 0, indonesian = 0;
        foreach (var word in text.ToLowerInvariant().Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            if (EnglishWords.Contains(word)) english++;
            if (IndonesianWords.Contains(word)) indonesian++;
        }
        return english > indonesian ? ChatLanguage.English : indonesian > english ? ChatLanguage.Indonesian : current;
    }

    private static readonly char[] Separators = [' ', '\t', '\n', '\r', '.', ',', '!', '?', ':', ';', '"', '\'', '(', ')', '-', '/'];
}
