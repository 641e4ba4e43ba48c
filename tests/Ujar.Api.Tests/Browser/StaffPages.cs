using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>What the browser tests of the staff pages share: real accounts, a real sign-in, the pages' readiness hooks.</summary>
public static class StaffPages
{
    /// <summary>A new staff account of <paramref name="role"/> (and <paramref name="opd"/>); its display name says both.</summary>
    public static async Task<StaffAccount> CreateStaffAsync(this BrowserCityApp city, string role, string? opd = null)
    {
        var email = $"{role}.{opd ?? "kota"}.{Guid.NewGuid():N}"[..36] + "@uji.local";
        var name = $"Uji {role} {opd}".Trim();
        await using var scope = city.Services.CreateAsyncScope();
        var outcome = await StaffAccounts.CreateAsync(scope.ServiceProvider, email, TestAccounts.Password, role, opd, name);
        Assert.True(outcome is StaffAccounts.Created, $"account not created: {outcome}");
        return new StaffAccount(email, name, role, opd);
    }

    /// <summary>Signs the page's browser context in through the API (the cookie the sign-in page would get), for tests
    /// about what comes after signing in. Sent with our own Origin, as the sign-in page's request is.</summary>
    public static async Task SignInAsync(IPage page, Uri baseUrl, StaffAccount account)
    {
        var response = await page.Context.APIRequest.PostAsync("/api/auth/login?cookie=true", new APIRequestContextOptions
        {
            DataObject = new { email = account.Email, password = TestAccounts.Password },
            Headers = new Dictionary<string, string> { ["Origin"] = baseUrl.GetLeftPart(UriPartial.Authority) },
        });
        Assert.True(response.Ok, $"sign-in failed: {response.Status} {await response.TextAsync()}");
    }

    /// <summary>Signs in through the form on /masuk, as a person would.</summary>
    public static async Task SignInWithFormAsync(IPage page, string email, string password, string? next = null)
    {
        await page.GotoAsync(next is null ? "/masuk" : $"/masuk?next={Uri.EscapeDataString(next)}");
        await page.Locator("#signin-email").FillAsync(email);
        await page.Locator("#signin-password").FillAsync(password);
        await page.Locator("#btn-signin").ClickAsync();
    }

    public static Task WaitForLiveAsync(IPage page) =>
        Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "connected");

    public static Task<int> NavigationsAsync(IPage page) =>
        page.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length");

    /// <summary>Tickets of the crew page's task list, top to bottom.</summary>
    public static async Task<IReadOnlyList<string>> TaskOrderAsync(IPage page) =>
        await page.Locator("#task-list .task").EvaluateAllAsync<string[]>("cards => cards.map(card => card.dataset.ticket)");

    public static string Ticket(JsonElement filed) => filed.GetProperty("ticket").GetString()!;
}

public sealed record StaffAccount(string Email, string Name, string Role, string? Opd);
