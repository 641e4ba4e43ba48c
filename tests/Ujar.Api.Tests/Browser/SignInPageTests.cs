using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>Staff sign-in on /masuk: refusals in both languages, each role's landing page, ?next=, signing out.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInPageTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    [Fact]
    public async Task A_wrong_password_shows_the_refusal_in_Indonesian_and_in_English()
    {
        var crew = await city.CreateStaffAsync("crew", "dlh");
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone);

        await StaffPages.SignInWithFormAsync(page, crew.Email, "bukan-kata-sandinya");

        var error = page.Locator("#signin-error");
        await Expect(error).ToContainTextAsync("Email atau kata sandi salah");
        await Expect(error).ToHaveAttributeAsync("data-code", "invalid_credentials");
        await Expect(page.Locator("#signin-password")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#signin-password")).ToHaveValueAsync("");
        Assert.EndsWith("/masuk", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await MapPage.ScreenshotAsync(page, "staff-signin-refused");

        await page.Locator("#btn-lang").ClickAsync();

        await Expect(error).ToContainTextAsync("Wrong email or password");
        await Expect(page.Locator("#btn-signin")).ToHaveTextAsync("Sign in");
    }

    [Fact]
    public async Task Too_many_wrong_passwords_from_this_address_are_told_to_wait_in_both_languages_even_with_the_right_one()
    {
        var staff = await city.CreateStaffAsync("opd_staff", "pupr");
        // The browser and this client both connect from 127.0.0.1: one address, so the guesses here count for the page too.
        for (var attempt = 0; attempt < SignInThrottle.PairLimit; attempt++)
        {
            var refused = await city.Http.PostAsJsonAsync("/api/auth/login", new { email = staff.Email, password = $"salah-{attempt}" });
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        var page = await chromium.NewPageAsync(city.BaseUrl);

        await StaffPages.SignInWithFormAsync(page, staff.Email, TestAccounts.Password);

        await Expect(page.Locator("#signin-error")).ToContainTextAsync("Terlalu banyak percobaan masuk");
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("detik");
        await Expect(page.Locator("#signin-error")).ToHaveAttributeAsync("data-code", "too_many_attempts");
        await page.Locator("#btn-lang").ClickAsync();
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("Too many sign-in attempts");
    }

    [Fact]
    public async Task A_crew_member_lands_on_the_crew_page_sees_who_is_signed_in_and_signs_out()
    {
        var crew = await city.CreateStaffAsync("crew", "dlh");
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone);

        await StaffPages.SignInWithFormAsync(page, crew.Email, TestAccounts.Password);

        await page.WaitForURLAsync(new Regex("/petugas$"));
        await Expect(page.Locator("#staff-user")).ToBeVisibleAsync();
        await Expect(page.Locator("#staff-name")).ToHaveTextAsync($"{crew.Name} · DLH");
        await MapPage.AssertNoHorizontalScrollAsync(page);

        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "ujar.staff");

        await page.Locator("#btn-sign-out").ClickAsync();

        await page.WaitForURLAsync(new Regex("/masuk$"));
        await Expect(page.Locator("#staff-user")).ToBeHiddenAsync();
        var me = await page.Context.APIRequest.GetAsync("/api/auth/me");
        Assert.Equal(401, me.Status);
        // "Keluar" ended the session itself: a copy of the cookie taken before is worth nothing now.
        using var replay = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        replay.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await city.Http.SendAsync(replay)).StatusCode);
    }

    [Fact]
    public async Task An_open_queue_whose_account_is_disabled_goes_to_sign_in()
    {
        var staff = await city.CreateStaffAsync("opd_staff", "dlh");
        var admin = await city.CreateStaffAsync("admin");
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await StaffPages.SignInWithFormAsync(page, staff.Email, TestAccounts.Password);
        await page.WaitForURLAsync(new Regex("/opd$"));
        await StaffPages.WaitForLiveAsync(page);
        using var adminClient = new HttpClient { BaseAddress = city.BaseUrl };
        var tokens = await (await adminClient.PostAsJsonAsync("/api/auth/login", new { email = admin.Email, password = TestAccounts.Password })).ReadJsonAsync();
        adminClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        var id = (await (await adminClient.GetAsync("/api/admin/users")).ReadJsonAsync()).EnumerateArray()
            .Single(u => u.GetProperty("email").GetString() == staff.Email).GetProperty("id").GetString();

        Assert.True((await adminClient.PatchAsJsonAsync($"/api/admin/users/{id}", new { disabled = true })).IsSuccessStatusCode);

        await Expect(page).ToHaveURLAsync(new Regex("/masuk\\?next=%2Fopd$"), new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task A_staff_page_sends_a_visitor_to_sign_in_and_back_again()
    {
        var staff = await city.CreateStaffAsync("opd_staff", "dlh");
        var page = await chromium.NewPageAsync(city.BaseUrl);

        await page.GotoAsync("/opd?overdue=true");

        // Polled, not awaited as a navigation event: the page may leave for /masuk before or after `goto` sees /opd load.
        await Expect(page).ToHaveURLAsync(new Regex("/masuk\\?next="), new() { Timeout = 30_000 });
        Assert.Equal("/opd?overdue=true", System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query)["next"]);
        await page.Locator("#signin-email").FillAsync(staff.Email);
        await page.Locator("#signin-password").FillAsync(TestAccounts.Password);
        await page.Locator("#btn-signin").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/opd\\?overdue=true$"));
        await Expect(page.Locator("#staff-name")).ToContainTextAsync(staff.Name);
    }

    [Theory]
    [InlineData("//evil.example/opd")]
    [InlineData("https://evil.example/opd")]
    [InlineData("/\\evil.example")]
    public async Task A_next_that_leaves_the_site_is_ignored_and_staff_land_on_their_queue(string next)
    {
        var staff = await city.CreateStaffAsync("opd_staff", "pupr");
        var page = await chromium.NewPageAsync(city.BaseUrl);

        await StaffPages.SignInWithFormAsync(page, staff.Email, TestAccounts.Password, next);

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/opd");
        Assert.Equal(city.BaseUrl.Authority, new Uri(page.Url).Authority);
    }
}
