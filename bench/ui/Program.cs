// The web UI's budgets measured in Debian's chromium (headless) against a running Comet (bench/ui.sh starts it):
//   1. a signed-in user's first page (the dashboard) interactive: navigation start to the dashboard's
//      'comet:dashboard-ready' mark (its data shown), cold cache; the baseline in the same run is the gateway's
//      own Swagger UI page to its title shown, also cold;
//   2. the JavaScript and CSS that first page fetched, compressed as sent (encodedBodySize of each resource);
//   3. a 200k-line step log opened in the log viewer (navigation start to every line known and the first shown),
//      then scrolled: the longest main-thread task while scrolling (long tasks over 50 ms block input).
// Rounds interleave dashboard, Swagger and log so machine noise hits each alike. Medians are printed.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

var gateway = args[0].TrimEnd('/');
var (user, password, logPath, rounds) = (args[1], args[2], args[3], int.Parse(args[4]));

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});

var dashboard = new List<double>();
var swagger = new List<double>();
var shipped = new List<double>();
var logOpen = new List<double>();
var logLongest = new List<double>();

for (var round = 1; round <= rounds; round++)
{
    // A fresh context each time: empty cache, and a refresh cookie of a new sign-in (each is single-use).
    await using (var context = await SignedInContextAsync())
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(gateway + "/");
        var ready = await page.WaitForFunctionAsync(
            "() => performance.getEntriesByName('comet:dashboard-ready')[0]?.startTime", null, new() { Timeout = 30_000 });
        dashboard.Add(await ready.JsonValueAsync<double>());
        shipped.Add(await page.EvaluateAsync<double>("""
            () => performance.getEntriesByType('resource')
              .filter(r => /\.(js|css)(\?|$)/.test(r.name))
              .reduce((sum, r) => sum + r.encodedBodySize, 0)
            """));
    }

    await using (var context = await browser.NewContextAsync())
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(gateway + "/swagger");
        await page.Locator(".swagger-ui .info .title").WaitForAsync(new() { Timeout = 30_000 });
        swagger.Add(await page.EvaluateAsync<double>("() => performance.now()"));
    }

    if (logPath != "-")
        await using (var context = await SignedInContextAsync())
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(gateway + logPath);
            var opened = await page.WaitForFunctionAsync(
                "() => performance.getEntriesByName('comet:log-ready')[0]?.startTime", null, new() { Timeout = 60_000 });
            logOpen.Add(await opened.JsonValueAsync<double>());
            await page.EvaluateAsync("""
                () => { window.__longest = 0; new PerformanceObserver(list => { for (const e of list.getEntries())
                  window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: 'longtask' }); }
                """);
            var viewer = page.Locator("[data-log-viewer]").First;
            await viewer.HoverAsync();
            for (var i = 0; i < 60; i++) await page.Mouse.WheelAsync(0, 4000);
            await page.Keyboard.PressAsync("End");
            await page.WaitForTimeoutAsync(500);
            logLongest.Add(await page.EvaluateAsync<double>("() => window.__longest"));
        }
    Console.Error.WriteLine($"round {round}: dashboard {dashboard[^1]:F0} ms, swagger {swagger[^1]:F0} ms, js+css {shipped[^1] / 1024:F1} KiB"
        + (logOpen.Count > 0 ? $", log {logOpen[^1]:F0} ms, longest task while scrolling {logLongest[^1]:F0} ms" : ""));
}

Console.WriteLine(JsonSerializer.Serialize(new
{
    rounds,
    dashboardReadyMs = Median(dashboard),
    swaggerReadyMs = Median(swagger),
    dashboardOverSwagger = Median(dashboard) / Median(swagger),
    firstPageJsCssKiB = Median(shipped) / 1024,
    logOpenMs = logOpen.Count > 0 ? Median(logOpen) : (double?)null,
    logLongestTaskWhileScrollingMs = logLongest.Count > 0 ? Median(logLongest) : (double?)null,
    raw = new { dashboard, swagger, shipped, logOpen, logLongest },
}, new JsonSerializerOptions { WriteIndented = true }));

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

async Task<IBrowserContext> SignedInContextAsync()
{
    var cookies = new CookieContainer();
    using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies });
    using var login = await http.PostAsJsonAsync(gateway + "/auth/login", new { username = user, password, refreshTokenInCookie = true });
    login.EnsureSuccessStatusCode();
    var context = await browser.NewContextAsync();
    await context.AddCookiesAsync(cookies.GetAllCookies().Select(c => new Microsoft.Playwright.Cookie
    {
        Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure,
        SameSite = SameSiteAttribute.Strict,
    }));
    return context;
}
