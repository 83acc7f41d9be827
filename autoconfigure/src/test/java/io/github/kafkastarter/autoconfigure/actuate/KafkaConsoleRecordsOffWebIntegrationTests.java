package io.github.kafkastarter.autoconfigure.actuate;

import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.WebApps.Response;
import io.github.kafkastarter.autoconfigure.support.WebApps;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records are off without the dev broker unless turned on: the endpoint refuses to read or
 * send them, with the reason, even with unrestricted access.
 */
class KafkaConsoleRecordsOffWebIntegrationTests {

	@Test
	void theEndpointRefusesToReadOrSendRecords() {
		try (ConfigurableApplicationContext app = WebApps.start(new Class<?>[] { App.class },
				TestBrokers.sharedServersProperty(), "management.endpoints.web.exposure.include=kafka",
				"management.endpoint.kafka.access=unrestricted", "kafka.starter.lag.enabled=false")) {
			RestClient http = WebApps.http(app);
			Response read = WebApps.exchange(http, "GET", "/actuator/kafka/records/default/console-off/0", null);
			assertThat(read.status()).isEqualTo(403);
			assertThat(read.json().<String>read("$.error")).contains("kafka.starter.console.records=true");
			Response send = WebApps.exchange(http, "POST", "/actuator/kafka/records/default/console-off",
					Map.of("value", "personal data"));
			assertThat(send.status()).isEqualTo(403);
			assertThat(send.json().<String>read("$.error")).contains("kafka.starter.console.records=true");
			Response settings = WebApps.exchange(http, "GET", "/actuator/kafka/console/settings", null);
			assertThat(settings.json().<Boolean>read("$.writeOperations")).isTrue();
			assertThat(settings.json().<Boolean>read("$.records")).isFalse();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
