using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>The map page itself: first paint over the fixture city, URL state, language, keyboard, the phone layout.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MapPageTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    private static readonly string[] FilterControls = ["#filter-category", "#filter-status", "#filter-days"];

    [Fact]
    public async Task Map_opens_on_the_fixture_city_draws_its_boundaries_and_marks_itself_ready()
    {
        var ticket = (await city.FileAsync(0.065, 100.055, "sampah", "Sampah menumpuk di depan pasar")).GetProperty("ticket").GetString()!;
        var page = await chromium.NewPageAsync(city.BaseUrl);

        await MapPage.OpenFixtureCityAsync(page);

        Assert.True(await MapPage.RenderCountAsync(page) >= 1, "renderCount was not incremented by the first draw");
        // The five kelurahan and two kecamatan of the fixture city, drawn as vector paths in Leaflet's overlay pane.
        await Expect(page.Locator(".leaflet-overlay-pane path")).ToHaveCountAsync(7);
        await Expect(page.Locator("#map")).ToBeVisibleAsync();
        // The complaint filed above is on the map as its own marker (nothing else is near it).
        await Expect(page.Locator($".ujar-marker[data-ticket='{ticket}']")).ToHaveAttributeAsync("data-category", "sampah");
        await Expect(page.Locator($".ujar-marker[data-ticket='{ticket}']")).ToHaveAttributeAsync("data-status", "received");
        await MapPage.ScreenshotAsync(page, "map-desktop");
    }

    [Fact]
    public async Task Markers_are_coloured_by_status_and_open_a_popup_with_photo_category_status_support_and_tracking_link()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await page.GotoAsync("/");
        var withPhoto = Ticket(await city.FileAsync(0.055, 100.062, "jalan_rusak", "Jalan amblas di tikungan",
            await MapPage.DrawPhotoAsync(page, "amblas.jpg")));
        var resolved = Ticket(await city.FileAsync(0.03, 100.06, "jalan_rusak", "Lubang sudah ditambal?"));
        await city.ChangeStatusAsync(resolved, Ujar.Api.Complaints.ComplaintStatus.Resolved, null);

        await MapPage.OpenFixtureCityAsync(page);

        var marker = page.Locator($".ujar-marker[data-ticket='{withPhoto}']");
        await Expect(page.Locator($".ujar-marker[data-ticket='{resolved}']")).ToHaveAttributeAsync("data-status", "resolved");
        var colours = await page.Locator($".ujar-marker[data-ticket='{withPhoto}'], .ujar-marker[data-ticket='{resolved}']")
            .EvaluateAllAsync<string[]>("els => els.map(e => getComputedStyle(e).backgroundColor)");
        Assert.Equal(2, colours.Distinct().Count());
        await Expect(marker).ToHaveAccessibleNameAsync(new Regex(withPhoto));

        await marker.ClickAsync();

        var popup = page.Locator(".leaflet-popup");
        await Expect(popup).ToBeVisibleAsync();
        await Expect(popup).ToContainTextAsync("Jalan rusak");
        await Expect(popup).ToContainTextAsync("Diterima");
        await Expect(popup).ToContainTextAsync("0 dukungan");
        await Expect(popup.Locator($"a[href='/lacak/{withPhoto}']")).ToBeVisibleAsync();
        await Expect(popup.Locator("img")).ToHaveAttributeAsync("src", new Regex(@"^/media/photos/[0-9a-f]{32}\.thumb\.jpg$"));
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('.leaflet-popup img'); return i && i.complete && i.naturalWidth > 0; }");
    }

    [Fact]
    public async Task Filters_and_view_are_restored_from_the_url_and_changes_are_written_back()
    {
        // Far apart (hundreds of pixels at zoom 14), so each is its own marker.
        var rubbish = Ticket(await city.FileAsync(0.05, 100.02, "sampah", "Tumpukan sampah di parit"));
        var road = Ticket(await city.FileAsync(0.03, 100.03, "jalan_rusak", "Aspal mengelupas"));
        var page = await chromium.NewPageAsync(city.BaseUrl);

        await MapPage.OpenFixtureCityAsync(page, "category=sampah&status=open&days=30");

        await Expect(page.Locator("#filter-category")).ToHaveValueAsync("sampah");
        await Expect(page.Locator("#filter-status")).ToHaveValueAsync("open");
        await Expect(page.Locator("#filter-days")).ToHaveValueAsync("30");
        await Expect(page.Locator($".ujar-marker[data-ticket='{rubbish}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($".ujar-marker[data-ticket='{road}']")).ToHaveCountAsync(0);
        await Expect(page.Locator(".ujar-marker:not([data-category=sampah])")).ToHaveCountAsync(0);
        var before = await MapPage.RenderCountAsync(page);
        await page.Locator("#filter-category").SelectOptionAsync("jalan_rusak");
        await Expect(page).ToHaveURLAsync(new Regex("[?&]category=jalan_rusak(&|$)"));
        await MapPage.WaitForRedrawAfterAsync(page, before);
        await Expect(page.Locator($".ujar-marker[data-ticket='{road}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($".ujar-marker[data-ticket='{rubbish}']")).ToHaveCountAsync(0);
        await page.Locator("#filter-days").SelectOptionAsync("");
        await Expect(page).ToHaveURLAsync(new Regex("^(?!.*[?&]days=[0-9])"));
        Assert.Matches("[?&]lat=0\\.04", page.Url);
        Assert.Matches("[?&]z=14(&|$)", page.Url);
    }

    [Fact]
    public async Task Language_toggle_switches_the_texts_and_is_remembered()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "id");
        await Expect(page.Locator("#btn-report")).ToContainTextAsync("Lapor");

        await page.Locator("#btn-lang").ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#btn-report")).ToContainTextAsync("Report");
        await Expect(page.Locator("#filter-days option[value='7']")).ToHaveTextAsync("7 days");
        await page.ReloadAsync();
        await MapPage.WaitForMapReadyAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#btn-report")).ToContainTextAsync("Report");

        await page.Locator("#btn-lang").ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "id");
        await Expect(page.Locator("#btn-report")).ToContainTextAsync("Lapor");
    }

    [Fact]
    public async Task Report_button_filters_and_report_form_are_reached_with_tab_named_and_show_their_focus()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);

        var wanted = new HashSet<string>(FilterControls.Append("#btn-report").Append("#btn-lang"));
        var reached = new List<string>();
        for (var press = 0; press < 60 && !wanted.IsSubsetOf(reached); press++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await FocusedAsync(page);
            if (focused is null || !wanted.Contains(focused.Id)) continue;
            Assert.True(focused.Visible, $"{focused.Id} has no visible focus indicator when reached with Tab");
            reached.Add(focused.Id);
        }

        Assert.True(wanted.IsSubsetOf(reached), $"not reached with Tab: {string.Join(", ", wanted.Except(reached))}");
        foreach (var control in wanted)
            await Expect(page.Locator(control)).ToHaveAccessibleNameAsync(new Regex(@"\S"));
        await page.Locator("#btn-report").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#report-panel")).ToBeVisibleAsync();
        // Every control of the report form has a name a screen reader can say (Chromium's accessibility tree).
        await Expect(page.Locator("input[name=category]")).ToHaveCountAsync(10);
        var controls = page.Locator("#report-panel :is(button, input, select, textarea)").Filter(new() { Visible = true });
        Assert.True(await controls.CountAsync() >= 18, "the report form shows fewer controls than the contract names");
        foreach (var control in await controls.AllAsync())
            await Expect(control).ToHaveAccessibleNameAsync(new Regex(@"\S"));
        // …and shows where the keyboard is, all the way through the form.
        var panelStops = new List<string>();
        for (var press = 0; press < 40; press++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await FocusedAsync(page) is not { InPanel: true } focused) continue;
            Assert.True(focused.Visible, $"{focused.Id} in the report panel has no visible focus indicator when reached with Tab");
            panelStops.Add(focused.Id);
        }
        Assert.Contains("#description", panelStops);
        Assert.Contains("#anonymous", panelStops);
    }

    private static Task<FocusState?> FocusedAsync(IPage page) =>
        page.EvaluateAsync<FocusState?>("""
            () => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const style = getComputedStyle(el);
              const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
              return {
                id: el.id ? '#' + el.id : `${el.tagName.toLowerCase()}[name=${el.name}][value=${el.value}]`,
                visible: el.matches(':focus-visible') && (outline || style.boxShadow !== 'none'),
                inPanel: !!el.closest('#report-panel'),
              };
            }
            """);

    private static string Ticket(System.Text.Json.JsonElement filed) => filed.GetProperty("ticket").GetString()!;

    // Playwright fills results through a parameterless constructor and setters.
    private sealed class FocusState
    {
        public string Id { get; set; } = "";
        public bool Visible { get; set; }
        public bool InPanel { get; set; }
    }

    [Fact]
    public async Task On_a_phone_the_report_panel_is_usable_and_nothing_scrolls_sideways()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone);
        await MapPage.OpenFixtureCityAsync(page);
        await MapPage.ScreenshotAsync(page, "map-phone");
        await MapPage.AssertNoHorizontalScrollAsync(page);

        // High on the screen, above the bottom sheet, where the map is still visible on a phone.
        await MapPage.DropPinAsync(page, 0.068, 100.05);
        await page.Locator("input[name=category][value=sampah]").CheckAsync();

        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Tengah");
        var panel = await page.Locator("#report-panel").BoundingBoxAsync();
        Assert.NotNull(panel);
        Assert.True(panel.X >= 0 && panel.X + panel.Width <= Chromium.Phone.Width + 0.5, $"the panel is {panel.Width} px wide at x={panel.X} on a {Chromium.Phone.Width} px screen");
        await page.Locator("#description").FillAsync("Sampah di selokan");
        await page.Locator("#btn-submit").ScrollIntoViewIfNeededAsync();
        await Expect(page.Locator("#btn-submit")).ToBeInViewportAsync();
        await Expect(page.Locator("#btn-submit")).ToBeEnabledAsync();
        await MapPage.AssertNoHorizontalScrollAsync(page);
        await MapPage.ScreenshotAsync(page, "report-panel-phone");
    }
}
