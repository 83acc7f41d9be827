package io.github.kafkastarter.autoconfigure.actuate;

import java.time.Duration;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.WebApps;
import io.github.kafkastarter.autoconfigure.support.WebApps.Response;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exposed but left at its default access, the kafka endpoint reads and refuses to write:
 * Spring Boot does not map the write operation, so a POST changes nothing.
 */
class KafkaEndpointReadOnlyWebIntegrationTests {

	@Test
	void writeOperationsAreRefusedByDefault() {
		try (ConfigurableApplicationContext app = WebApps.start(new Class<?>[] { App.class },
				TestBrokers.sharedServersProperty(), "management.endpoints.web.exposure.include=kafka")) {
			RestClient http = WebApps.http(app);
			KafkaListenerEndpointRegistry registry = app.getBean(KafkaListenerEndpointRegistry.class);
			await().atMost(Duration.ofSeconds(60))
				.until(() -> registry.getListenerContainer("read-only").isRunning());
			assertThat(WebApps.exchange(http, "GET", "/actuator/kafka/read-only", null).status()).isEqualTo(200);

			for (String action : new String[] { "pause", "stop" }) {
				Response refused = WebApps.exchange(http, "POST", "/actuator/kafka/read-only",
						Map.of("action", action));
				assertThat(refused.status()).as(action).isEqualTo(405);
			}
			assertThat(registry.getListenerContainer("read-only").isRunning()).isTrue();
			assertThat(registry.getListenerContainer("read-only").isPauseRequested()).isFalse();
			assertThat(WebApps.exchange(http, "GET", "/actuator/kafka/read-only", null).json().<String>read("$.state"))
				.isEqualTo("RUNNING");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		NewTopic readOnlyTopic() {
			return new NewTopic("read-only-topic", 1, (short) 1);
		}

		@KafkaListener(id = "read-only", topics = "read-only-topic", groupId = "read-only-group")
		void listen(String value) {
		}

	}

}
