package io.github.kafkastarter.sample;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka console as the sample ships it (the endpoint read-only), with records turned
 * off.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "kafka.starter.console.records=false")
class KafkaConsoleReadOnlyBrowserTests {

	private static ConsoleBrowser browser;

	@LocalServerPort
	int port;

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

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.port);
	}

	@Test
	void withReadOnlyAccessTheListenerButtonsAreDisabledWithTheReason() {
		browser.load("http://localhost:" + this.port + "/kafka-console/");
		browser.show("listeners");
		assertThat(browser.text("#read-only-note")).contains("management.endpoint.kafka.access=unrestricted");
		assertThat(browser.attributes("tr[data-container] button", "disabled")).isNotEmpty()
			.allSatisfy((disabled) -> assertThat(disabled).isNotNull());
		assertThat(browser.attributes("tr[data-container] button", "title"))
			.allSatisfy((title) -> assertThat(title).contains("management.endpoint.kafka.access=unrestricted"));
		browser.screenshot("listeners-read-only");
		int status = http().post()
			.uri("/actuator/kafka/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "pause"))
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(status).isBetween(400, 499);
		Map<String, Object> container = http().get().uri("/actuator/kafka/orders").retrieve().body(
				new ParameterizedTypeReference<>() {
				});
		assertThat(container).containsEntry("state", "RUNNING");
		browser.assertNoErrorsLogged();
	}

	@Test
	void withRecordsOffTheRecordViewAndFormAreAbsentAndTheEndpointRefusesThem() {
		browser.load("http://localhost:" + this.port + "/kafka-console/#records");
		assertThat(browser.one("#nav-records").isDisplayed()).isFalse();
		assertThat(browser.all("#view-records")).isEmpty();
		assertThat(browser.all("#send-form")).isEmpty();
		assertThat(browser.one("#view-clients").isDisplayed()).isTrue();
		browser.show("topics");
		assertThat(browser.one("#records-off-note").getText()).contains("kafka.starter.console.records=true");
		browser.screenshot("topics-records-off");
		ResponseParts read = http().get()
			.uri("/actuator/kafka/records/default/orders/0")
			.exchange((request, response) -> new ResponseParts(response.getStatusCode().value(),
					new String(response.getBody().readAllBytes())));
		assertThat(read.status()).isEqualTo(403);
		assertThat(read.body()).contains("kafka.starter.console.records=true");
		browser.assertNoErrorsLogged();
	}

	private record ResponseParts(int status, String body) {
	}

}
