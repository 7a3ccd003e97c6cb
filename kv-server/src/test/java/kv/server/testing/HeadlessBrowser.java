package kv.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's {@code chromium}, headless, driven by the system's {@code chromedriver} (Debian's
 * {@code chromium-driver}), never one Selenium Manager would download: the tests run offline.
 * A test that needs it is skipped (an assumption) where either is not installed.
 */
public final class HeadlessBrowser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private HeadlessBrowser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A browser with a laptop's window (1440 × 900), or the test skipped if chromium is absent. */
    public static HeadlessBrowser open() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1440,900", "--hide-scrollbars", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new HeadlessBrowser(new ChromeDriver(service, options));
    }

    public WebDriver driver() {
        return driver;
    }

    /** The text of the element with this id. */
    public String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** The number the element with this id shows ("12,345" is 12345), or NaN if it shows none ("–"). */
    public double figure(String id) {
        try {
            return Double.parseDouble(text(id).replace(",", ""));
        }
        catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Waits up to {@code timeout} for {@code condition} to be true (or non-null), polling every 100 ms. */
    public <T> T await(Duration timeout, String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).withMessage(what).until(condition);
    }

    /** Saves what the window shows as a PNG (e.g. {@code target/dashboard-under-load.png}). */
    public Path screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
