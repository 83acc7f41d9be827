package io.github.kafkastarter.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka console in headless Chromium, against the sample on its dev broker (where
 * records are on by default), with the endpoint's write operations allowed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoint.kafka.access=unrestricted", "kafka.starter.lag.interval=1s" })
class KafkaConsoleBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static ConsoleBrowser browser;

	@LocalServerPort
	int port;

	@Autowired
	RoundTrips roundTrips;

	@BeforeAll
	static void openBrowser() {
		browser = ConsoleBrowser.open(1280, 800);
	}

	@AfterAll
	static void closeBrowser() {
		if (browser != null) {
			browser.close();
		}
	}

	private String console() {
		return "http://localhost:" + this.port + "/kafka-console/";
	}

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.port);
	}

	@Test
	void pageLoadsWithoutErrorsAndShowsTheClientsListenersAndGroups() {
		double shownAfter = browser.load(console());
		System.out.printf("Kafka console: data shown %.0f ms after navigation start%n", shownAfter);
		assertThat(browser.attributes(".card[data-client]", "data-client"))
			.containsExactly("default", "audit");
		await().atMost(WAIT).until(() -> !browser.text(".card[data-client='default'] .brokers").isEmpty());
		browser.screenshot("clients");
		browser.show("listeners");
		assertThat(browser.attributes("tr[data-container]", "data-container"))
			.contains("orders", "audit", "dead-orders", "enrichment");
		assertThat(browser.text("tr[data-container='orders'] .state")).isEqualTo("RUNNING");
		// A parallel listener shows its records in flight and held; a plain one has none.
		assertThat(browser.text("tr[data-container='enrichment'] .parallel"))
			.matches("[\\d,]+ in flight \\([\\d,]+ running\\), [\\d,]+ of 1,024 held.*");
		assertThat(browser.text("tr[data-container='orders'] .parallel")).isEqualTo("–");
		browser.screenshot("listeners");
		browser.show("groups");
		await().atMost(WAIT).until(() -> !browser.all("h3[data-group='order-service']").isEmpty());
		assertThat(browser.all("#chart-default canvas")).isNotEmpty();
		browser.show("topics");
		assertThat(browser.all("#topics-default tr[data-topic='orders']")).hasSize(4);
		browser.screenshot("topics");
		browser.assertNoErrorsLogged();
	}

	@Test
	void pageFitsAPhoneScreen() {
		try {
			browser.viewport(390, 844);
			browser.load(console());
			for (String view : List.of("clients", "listeners", "groups", "topics", "records")) {
				browser.show(view);
				// Wide tables scroll inside their own box; the page itself does not.
				assertThat(((Number) browser.script("return document.documentElement.scrollWidth")).intValue())
					.as("page width of view %s", view)
					.isLessThanOrEqualTo(((Number) browser.script("return window.innerWidth")).intValue());
			}
			browser.show("groups");
			browser.screenshot("phone-groups");
		}
		finally {
			browser.viewport(1280, 800);
		}
		browser.assertNoErrorsLogged();
	}

	@Test
	void afterRecordsAreProducedTheLagChartGainsPointsAndTheLagFallsToZero() {
		browser.load(console());
		browser.show("groups");
		operate("orders", "pause");
		await().atMost(WAIT).until(() -> "PAUSED".equals(containerState("orders")));
		int pointsBefore = chartPoints();
		for (int i = 0; i < 3; i++) {
			assertThat(placeOrder().getStatusCode().value()).isEqualTo(202);
		}
		await().atMost(WAIT).until(() -> shownLag("order-service") >= 3);
		browser.screenshot("groups-lagging");
		operate("orders", "resume");
		await().atMost(WAIT).until(() -> shownLag("order-service") == 0);
		await().atMost(WAIT).until(() -> chartPoints() >= pointsBefore + 3);
		browser.screenshot("groups");
		browser.assertNoErrorsLogged();
	}

	@Test
	void pauseAndResumeButtonsOperateTheListener() {
		browser.load(console());
		browser.show("listeners");
		assertThat(browser.all("#read-only-note")).isEmpty();
		click("tr[data-container='orders'] button[data-action='pause']");
		await().atMost(WAIT)
			.until(() -> "PAUSED".equals(browser.text("tr[data-container='orders'] .state")));
		assertThat(containerState("orders")).isEqualTo("PAUSED");
		browser.screenshot("listeners-paused");
		click("tr[data-container='orders'] button[data-action='resume']");
		await().atMost(WAIT)
			.until(() -> "RUNNING".equals(browser.text("tr[data-container='orders'] .state")));
		assertThat(containerState("orders")).isEqualTo("RUNNING");
		browser.assertNoErrorsLogged();
	}

	@Test
	void aRecordSentFromTheFormAppearsInTheRecordViewAndReachesTheListener() {
		browser.load(console());
		browser.show("records");
		String orderId = UUID.randomUUID().toString();
		String order = "{\"id\":\"" + orderId + "\",\"customerId\":\"console\",\"item\":\"tea\",\"quantity\":1,"
				+ "\"placedAt\":\"" + Instant.now() + "\",\"urgent\":false}";
		browser.one("#send-topic").sendKeys("orders");
		browser.one("#send-key").sendKeys("console");
		browser.one("#send-value").sendKeys(order);
		browser.one("#send-headers").sendKeys("source: kafka-console");
		browser.one("#send-button").click();
		await().atMost(WAIT).until(() -> browser.one("#send-result").getDomAttribute("data-offset") != null);
		String offset = browser.one("#send-result").getDomAttribute("data-offset");
		await().atMost(WAIT).until(() -> !browser.all("#records-table tr[data-offset='" + offset + "']").isEmpty());
		WebElement row = browser.one("#records-table tr[data-offset='" + offset + "']");
		assertThat(row.getText()).contains(orderId, "console", "source: kafka-console");
		browser.screenshot("records");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.roundTrips.recent()).anySatisfy(
					(trip) -> assertThat(trip.orderId()).isEqualTo(orderId)));
		browser.assertNoErrorsLogged();
	}

	@Test
	void assetsComeFromTheApplication() {
		browser.load(console());
		@SuppressWarnings("unchecked")
		List<String> requested = (List<String>) browser
			.script("return performance.getEntriesByType('resource').map((entry) => entry.name)");
		assertThat(requested).isNotEmpty().allSatisfy((url) -> assertThat(url).startsWith("http://localhost:" + this.port + "/"));
		long total = 0;
		for (String asset : List.of("", "console.css", "console.js", "lib/uplot/uPlot.iife.min.js",
				"lib/uplot/uPlot.min.css", "config.json")) {
			byte[] body = http().get().uri("/kafka-console/" + asset).retrieve().body(byte[].class);
			assertThat(body).as(asset).isNotEmpty();
			total += body.length;
		}
		System.out.printf("Kafka console: assets %,d bytes (HTML, CSS, JavaScript, uPlot, config)%n", total);
	}

	private void click(String css) {
		browser.script("document.querySelector(arguments[0]).click()", css);
	}

	private int chartPoints() {
		String points = browser.attribute("#chart-default", "data-points");
		return (points != null) ? Integer.parseInt(points) : 0;
	}

	private long shownLag(String group) {
		String lag = browser.text("h3[data-group='" + group + "'] .offset-lag");
		return (lag != null) ? Long.parseLong(lag.replace(",", "")) : -1;
	}

	private String containerState(String id) {
		Map<String, Object> container = http().get()
			.uri("/actuator/kafka/" + id)
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		return (String) container.get("state");
	}

	private void operate(String id, String action) {
		http().post()
			.uri("/actuator/kafka/" + id)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", action))
			.retrieve()
			.toBodilessEntity();
	}

	private org.springframework.http.ResponseEntity<Void> placeOrder() {
		return http().post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("customerId", "dora", "item", "mug", "quantity", 1))
			.retrieve()
			.toBodilessEntity();
	}

}
