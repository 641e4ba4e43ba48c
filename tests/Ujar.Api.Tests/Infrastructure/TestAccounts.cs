using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Accounts;

namespace Ujar.Api.Tests.Infrastructure;

/// <summary>Staff accounts for tests: real Identity rows, real sign-in through <c>POST /api/auth/login</c>.</summary>
public static class TestAccounts
{
    public const string Password = "kata-sandi-uji-1";

    /// <summary>A new account of <paramref name="role"/> (and <paramref name="opd"/> for staff and crews); returns its email.</summary>
    public static async Task<string> CreateAccountAsync(this UjarApp app, string role, string? opd = null)
    {
        var email = $"{role}.{opd ?? "kota"}.{Guid.NewGuid():N}"[..40] + "@uji.local";
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await StaffAccounts.CreateAsync(scope.ServiceProvider, email, Password, role, opd, $"Uji {role} {opd}".Trim());
        Assert.True(outcome is StaffAccounts.Created, $"account not created: {outcome}");
        return email;
    }

    /// <summary>A bearer token for a new account of <paramref name="role"/>.</summary>
    public static async Task<string> TokenForAsync(this UjarApp app, string role, string? opd = null)
    {
        var email = await app.CreateAccountAsync(role, opd);
        using var client = app.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        Assert.Equal(System.Net.HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Makes <paramref name="client"/> send the <c>Origin</c> a browser sends from one of our own pages (the test
    /// server's), which a request signed in by the staff cookie needs to change anything.</summary>
    public static HttpClient FromOurPages(this HttpClient client)
    {
        client.DefaultRequestHeaders.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));
        return client;
    }

    /// <summary>An HTTP client signed in (bearer) as a new account of <paramref name="role"/>.</summary>
    public static async Task<HttpClient> ClientAsAsync(this UjarApp app, string role, string? opd = null)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.TokenForAsync(role, opd));
        return client;
    }
}
