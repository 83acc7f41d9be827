package io.github.kafkastarter.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Headless Chromium through chromedriver (the Debian packages {@code chromium} and
 * {@code chromium-driver}, or {@code CHROME_BIN} and {@code CHROMEDRIVER}); a test that
 * finds neither is skipped with that reason. Screenshots go to
 * {@code target/console-screenshots/}.
 */
final class ConsoleBrowser implements AutoCloseable {

	static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	private final ChromeDriver driver;

	private ConsoleBrowser(ChromeDriver driver) {
		this.driver = driver;
	}

	static ConsoleBrowser open(int width, int height) {
		Optional<String> chromium = find("CHROME_BIN", "/usr/bin/chromium", "/usr/bin/chromium-browser",
				"/usr/bin/google-chrome");
		Optional<String> chromedriver = find("CHROMEDRIVER", "/usr/bin/chromedriver",
				"/usr/lib/chromium/chromedriver");
		Assumptions.assumeTrue(chromium.isPresent() && chromedriver.isPresent(),
				"No headless browser: Chromium " + chromium.orElse("not found") + ", chromedriver "
						+ chromedriver.orElse("not found")
						+ " (install the Debian packages chromium and chromium-driver, or set CHROME_BIN and "
						+ "CHROMEDRIVER)");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.get());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=" + width + "," + height, "--hide-scrollbars");
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(chromedriver.get()))
			.build();
		ConsoleBrowser browser = new ConsoleBrowser(new ChromeDriver(service, options));
		browser.viewport(width, height);
		return browser;
	}

	/**
	 * Sizes the window so that the page itself gets {@code width} x {@code height}.
	 */
	void viewport(int width, int height) {
		Dimension window = this.driver.manage().window().getSize();
		int chromeWidth = window.getWidth() - ((Number) script("return window.innerWidth")).intValue();
		int chromeHeight = window.getHeight() - ((Number) script("return window.innerHeight")).intValue();
		this.driver.manage().window().setSize(new Dimension(width + chromeWidth, height + chromeHeight));
	}

	private static Optional<String> find(String variable, String... paths) {
		String configured = System.getenv(variable);
		return Stream.concat(Stream.ofNullable(configured), Stream.of(paths))
			.filter((path) -> Files.isExecutable(Path.of(path)))
			.findFirst();
	}

	ChromeDriver driver() {
		return this.driver;
	}

	/**
	 * Opens the console and waits until it shows data.
	 * @param url the console's URL
	 * @return milliseconds from navigation start to data shown
	 */
	double load(String url) {
		this.driver.get(url);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "ready".equals(this.driver.findElement(By.tagName("body")).getDomAttribute("data-state")));
		return ((Number) script("return window.kafkaConsoleShownAt")).doubleValue();
	}

	void show(String view) {
		script("location.hash = arguments[0]; window.scrollTo(0, 0)", view);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.driver.findElement(By.id("view-" + view)).isDisplayed());
	}

	Object script(String script, Object... arguments) {
		return ((JavascriptExecutor) this.driver).executeScript(script, arguments);
	}

	/**
	 * The text of the first element that matches, read in one step: the page re-renders
	 * its tables at every refresh, so an element found first and read later may be gone.
	 * @param css the selector
	 * @return the text, or {@code null} when nothing matches
	 */
	String text(String css) {
		return (String) script("const e = document.querySelector(arguments[0]); return e ? e.textContent : null",
				css);
	}

	/**
	 * An attribute of the first element that matches, read in one step.
	 * @param css the selector
	 * @param name the attribute
	 * @return its value, or {@code null}
	 */
	String attribute(String css, String name) {
		return (String) script(
				"const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null", css,
				name);
	}

	/**
	 * An attribute of every element that matches, read in one step.
	 * @param css the selector
	 * @param name the attribute
	 * @return the values
	 */
	@SuppressWarnings("unchecked")
	List<String> attributes(String css, String name) {
		return (List<String>) script(
				"return Array.from(document.querySelectorAll(arguments[0])).map((e) => e.getAttribute(arguments[1]))",
				css, name);
	}

	List<WebElement> all(String css) {
		return this.driver.findElements(By.cssSelector(css));
	}

	WebElement one(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	void screenshot(String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			script("window.scrollTo(0, 0)");
			File shot = this.driver.getScreenshotAs(OutputType.FILE);
			Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Asserts that the browser logged no error (JavaScript errors, failed requests) since
	 * the last call.
	 */
	void assertNoErrorsLogged() {
		List<LogEntry> errors = this.driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
			.toList();
		assertThat(errors).as("errors in the browser log").isEmpty();
	}

	@Override
	public void close() {
		this.driver.quit();
	}

}
