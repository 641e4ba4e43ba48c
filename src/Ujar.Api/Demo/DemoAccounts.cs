using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Ujar.Api.Accounts;

namespace Ujar.Api.Demo;

/// <summary>
/// One account per role for the demo city, with a staff member and a crew for every OPD: they made the demo history
/// (<see cref="DemoHistory"/>), and scoping can be seen at work. They all
/// share one password: <c>UJAR_DEMO_PASSWORD</c>, or a generated one printed once when the accounts are created.
/// Outside the demo no account exists until an admin creates it.
/// </summary>
public static class DemoAccounts
{
    public const string PasswordVariable = "UJAR_DEMO_PASSWORD";

    public static readonly IReadOnlyList<(string Email, string Role, string? Opd, string Name)> Accounts =
    [
        ("admin@ujar.local", Roles.Admin, null, "Admin Diskominfo"),
        ("planner@ujar.local", Roles.Planner, null, "Perencana Bappelitbang"),
        ("pupr.staff@ujar.local", Roles.OpdStaff, "pupr", "Staf Dinas PUPR"),
        ("pupr.crew@ujar.local", Roles.Crew, "pupr", "Tim Lapangan PUPR"),
        ("dlh.staff@ujar.local", Roles.OpdStaff, "dlh", "Staf DLH"),
        ("dlh.crew@ujar.local", Roles.Crew, "dlh", "Tim Lapangan DLH"),
        ("dishub.staff@ujar.local", Roles.OpdStaff, "dishub", "Staf Dinas Perhubungan"),
        ("dishub.crew@ujar.local", Roles.Crew, "dishub", "Tim Lapangan Dishub"),
        ("dinsos.staff@ujar.local", Roles.OpdStaff, "dinsos", "Staf Dinas Sosial"),
        ("dinsos.crew@ujar.local", Roles.Crew, "dinsos", "Pendamping Lapangan Dinsos"),
        ("diskominfo.staff@ujar.local", Roles.OpdStaff, "diskominfo", "Staf Diskominfo"),
        ("diskominfo.crew@ujar.local", Roles.Crew, "diskominfo", "Tim Lapangan Diskominfo"),
    ];

    public static async Task SeedAsync(IServiceProvider services, ILogger logger, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var missing = new List<(string Email, string Role, string? Opd, string Name)>();
        foreach (var account in Accounts)
            if (await users.FindByEmailAsync(account.Email) is null) missing.Add(account);
        if (missing.Count == 0) return;

        // Environment variables are part of the configuration (tests pass the setting the same way).
        var given = services.GetRequiredService<IConfiguration>()[PasswordVariable];
        var password = string.IsNullOrEmpty(given) ? Generated() : given;
        foreach (var (email, role, opd, name) in missing)
        {
            if (await StaffAccounts.CreateAsync(scope.ServiceProvider, email, password, role, opd, name, ct) is StaffAccounts.Refused refused)
                throw new InvalidOperationException($"demo account {email}: {refused.Reason} (is {PasswordVariable} at least 10 characters with a digit and a lower-case letter?)");
        }
        logger.LogInformation("Demo accounts: {Accounts}", string.Join(", ", missing.Select(a => a.Email)));
        if (string.IsNullOrEmpty(given))
            Console.WriteLine($"Demo accounts created; their password (set {PasswordVariable} to choose it): {password}");
    }

    // 15 characters from an alphabet without look-alikes (0/O, 1/l/I), for reading off a terminal; drawn again until it
    // has the digit and lower-case letter the password rules ask for.
    private static string Generated()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        while (true)
        {
            var password = string.Concat(Enumerable.Range(0, 15).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
            if (password.Any(char.IsDigit) && password.Any(char.IsLower)) return password;
        }
    }
}
