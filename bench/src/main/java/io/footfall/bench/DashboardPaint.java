package io.footfall.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin UI's first dashboard paint, as an operator's browser sees it: Debian's headless Chromium signs in, then
 * loads the dashboard afresh {@code runs} times; per load it reads, from the page's performance entries (ms since
 * navigation start), the first contentful paint, the mark the dashboard sets when its charts are drawn
 * ({@code footfall-dashboard-drawn}) and when every report region has settled (ready, empty or error).
 */
final class DashboardPaint {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** One load's timings in ms since navigation start. */
    record Load(double firstContentfulPaint, double chartsDrawn, double allSettled) {
    }

    private DashboardPaint() {
    }

    /** Whether the machine has the browser (installed by {@code .ci/run}). */
    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    static List<Load> measure(URI base, String user, String password, String dashboardQuery, int runs) throws Exception {
        Path profile = Files.createTempDirectory("footfall-bench-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1366,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(20));
            driver.get(base.resolve("/admin/login.html").toString());
            driver.findElement(By.id("j_username")).sendKeys(user);
            driver.findElement(By.id("j_password")).sendKeys(password);
            driver.findElement(By.id("sign-in")).click();
            wait.until(d -> d.findElement(By.id("who")).getText().startsWith(user + " ·"));
            List<Load> loads = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                driver.get("about:blank");
                driver.get(base.resolve("/admin/").toString() + "#/dashboard?" + dashboardQuery);
                // settled: every report region of the dashboard out of "loading"; then the time of the last one
                wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("""
                        var r = document.querySelectorAll('main [data-region]');
                        if (r.length < 5) return false;
                        for (var i = 0; i < r.length; i++) { if (!r[i].dataset.state || r[i].dataset.state === 'loading') return false; }
                        if (!window.__footfallSettled) window.__footfallSettled = performance.now();
                        return performance.getEntriesByName('footfall-dashboard-drawn').length > 0;""")));
                @SuppressWarnings("unchecked")
                Map<String, Object> t = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
                        var paint = performance.getEntriesByName('first-contentful-paint')[0];
                        var drawn = performance.getEntriesByName('footfall-dashboard-drawn')[0];
                        return {fcp: paint ? paint.startTime : -1, drawn: drawn ? drawn.startTime : -1, settled: window.__footfallSettled || -1};""");
                loads.add(new Load(((Number) t.get("fcp")).doubleValue(), ((Number) t.get("drawn")).doubleValue(),
                        ((Number) t.get("settled")).doubleValue()));
            }
            return loads;
        } finally {
            driver.quit();
        }
    }
}
