using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ujar.Api.Tests.Accounts;

/// <summary>Wrong passwords slow the guesser down, per (account, address) and per address, and never lock the owner out.</summary>
public sealed class SignInThrottleTests(SignInApp app, ITestOutputHelper output) : IClassFixture<SignInApp>
{
    [Fact]
    public async Task Five_wrong_passwords_make_that_account_wait_at_that_address_only_while_its_owner_signs_in_from_another()
    {
        var email = await app.App.CreateAccountAsync(Roles.OpdStaff, "pupr");
        using var guesser = app.ClientFrom();
        for (var i = 0; i < SignInThrottle.PairLimit; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInApp.LoginAsync(guesser, email, $"tebakan-{i}")).StatusCode);

        var waiting = await SignInApp.LoginAsync(guesser, email, TestAccounts.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);
        Assert.InRange(RetryAfter(waiting), 25, 30);
        Assert.Equal("application/problem+json", waiting.Content.Headers.ContentType?.MediaType);
        var problem = await waiting.ReadJsonAsync();
        Assert.Equal("too_many_attempts", problem.GetProperty("code").GetString());
        Assert.Equal("Terlalu banyak percobaan masuk", problem.GetProperty("title").GetString());
        Assert.Equal("Too many sign-in attempts", problem.GetProperty("titleEn").GetString());
        Assert.Contains("detik", problem.GetProperty("detail").GetString());
        Assert.Contains("seconds", problem.GetProperty("detailEn").GetString());

        using var owner = app.ClientFrom();
        var signedIn = await SignInApp.SignInAsync(owner, email);
        Assert.False(string.IsNullOrEmpty(signedIn.GetProperty("accessToken").GetString()));
        // The owner's success does not lift the guesser's wait.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInApp.LoginAsync(guesser, email, TestAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task Each_failure_after_the_fifth_doubles_the_wait_and_the_right_password_afterwards_starts_again_from_zero()
    {
        var email = await app.App.CreateAccountAsync(Roles.Crew, "dlh");
        using var client = app.ClientFrom();
        for (var i = 0; i < SignInThrottle.PairLimit; i++) await SignInApp.LoginAsync(client, email, $"tebakan-{i}");
        Assert.InRange(RetryAfter(await SignInApp.LoginAsync(client, email, "tebakan-lagi")), 25, 30);

        foreach (var wait in new[] { 30, 60, 120 })
        {
            app.Clock.Advance(TimeSpan.FromSeconds(wait + 1));
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInApp.LoginAsync(client, email, "tebakan-lagi")).StatusCode);
            Assert.InRange(RetryAfter(await SignInApp.LoginAsync(client, email, "tebakan-lagi")), 2 * wait - 5, 2 * wait);
        }

        app.Clock.Advance(TimeSpan.FromSeconds(241));
        await SignInApp.SignInAsync(client, email);
        for (var i = 0; i < SignInThrottle.PairLimit - 1; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInApp.LoginAsync(client, email, $"salah-ketik-{i}")).StatusCode);
        await SignInApp.SignInAsync(client, email);
    }

    [Fact]
    public async Task Twenty_guesses_at_once_let_only_five_reach_the_password_check()
    {
        var email = await app.App.CreateAccountAsync(Roles.Planner);
        var address = SignInApp.NewAddress();
        var clients = Enumerable.Range(0, 20).Select(_ => app.ClientFrom(address)).ToList();

        var answers = await Task.WhenAll(clients.Select((client, i) => SignInApp.LoginAsync(client, email, $"paralel-{i}")));

        Assert.Equal(SignInThrottle.PairLimit, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(20 - SignInThrottle.PairLimit, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        foreach (var client in clients) client.Dispose();
    }

    [Fact]
    public async Task A_flood_of_guesses_across_many_accounts_from_one_address_is_throttled_per_address_and_no_other_address_is()
    {
        var email = await app.App.CreateAccountAsync(Roles.OpdStaff, "dishub");
        using var flood = app.ClientFrom();
        for (var i = 0; i < SignInThrottle.AddressLimit; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInApp.LoginAsync(flood, $"tebak.{i}.{Guid.NewGuid():N}@uji.local", "kata-sandi-1")).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInApp.LoginAsync(flood, $"lain.{Guid.NewGuid():N}@uji.local", "kata-sandi-1")).StatusCode);
        // Even a real account with its right password waits at that address…
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInApp.LoginAsync(flood, email, TestAccounts.Password)).StatusCode);
        // …and nowhere else.
        using var elsewhere = app.ClientFrom();
        await SignInApp.SignInAsync(elsewhere, email);
    }

    [Fact]
    public async Task An_unknown_email_gets_the_very_answer_of_a_wrong_password()
    {
        var email = await app.App.CreateAccountAsync(Roles.OpdStaff, "pupr");
        using var first = app.ClientFrom();
        using var second = app.ClientFrom();

        var wrong = await SignInApp.LoginAsync(first, email, "bukan-sandinya-1");
        var unknown = await SignInApp.LoginAsync(second, $"tidak.ada.{Guid.NewGuid():N}@uji.local", "bukan-sandinya-1");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal(Headers(wrong), Headers(unknown));
        Assert.Equal(await BodyAsync(wrong), await BodyAsync(unknown));
    }

    [Fact]
    public async Task An_unknown_email_takes_about_as_long_as_a_wrong_password()
    {
        var email = await app.App.CreateAccountAsync(Roles.Crew, "pupr");
        // Each attempt from its own address, so the throttle never answers instead of the password check.
        async Task<double> TimeAsync(string who)
        {
            using var client = app.ClientFrom();
            await client.GetAsync("/api/config");   // the connection is made before the clock starts
            var watch = Stopwatch.StartNew();
            var answer = await SignInApp.LoginAsync(client, who, "bukan-sandinya-2");
            watch.Stop();
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            return watch.Elapsed.TotalMilliseconds;
        }
        await TimeAsync(email);
        await TimeAsync($"pemanasan.{Guid.NewGuid():N}@uji.local");

        var wrong = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            wrong.Add(await TimeAsync(email));
            unknown.Add(await TimeAsync($"tidak.ada.{i}.{Guid.NewGuid():N}@uji.local"));
        }

        var ratio = Median(unknown) / Median(wrong);
        output.WriteLine($"median wrong password {Median(wrong):0.0} ms, unknown email {Median(unknown):0.0} ms, ratio {ratio:0.00}");
        // Without the stand-in hash check an unknown e-mail answers in a few milliseconds against tens for a wrong password.
        Assert.InRange(ratio, 1 / 3.0, 3.0);
    }

    private static int RetryAfter(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        return (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
    }

    /// <summary>Every header but the date, which moves with the clock.</summary>
    private static string Headers(HttpResponseMessage response) =>
        string.Join('\n', response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .OrderBy(h => h.Key)
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));

    /// <summary>The body without <c>traceId</c>, an id every answer gets for its own request.</summary>
    private static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await response.Content.ReadAsStringAsync())!;
        body.Remove("traceId");
        return JsonSerializer.Serialize(body.OrderBy(p => p.Key));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
