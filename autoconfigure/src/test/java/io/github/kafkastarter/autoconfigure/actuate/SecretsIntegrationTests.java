package io.github.kafkastarter.autoconfigure.actuate;

import java.time.Duration;
import java.util.List;

import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.WebApps;
import io.github.kafkastarter.autoconfigure.support.WebApps.Response;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With SASL and SSL passwords and other credentials configured, neither the kafka
 * endpoint, nor health, nor the log shows any of them: on a working client (the shared
 * broker, which ignores them) and on a failing one (whose errors are shown and logged).
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIntegrationTests {

	private static final List<String> SECRETS = List.of("jaas-secret-1", "keystore-secret-2", "key-secret-3",
			"truststore-secret-4", "basic-secret-5", "oauth-secret-6", "named-jaas-secret-7",
			"named-truststore-secret-8");

	@Test
	void noSecretInTheEndpointHealthOrLog(CapturedOutput output) {
		try (ConfigurableApplicationContext app = WebApps.start(new Class<?>[] { App.class },
				TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
				"spring.kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
						+ "required username=\"alice\" password=\"jaas-secret-1\";",
				"spring.kafka.ssl.key-store-password=keystore-secret-2", "spring.kafka.ssl.key-password=key-secret-3",
				"spring.kafka.ssl.trust-store-password=truststore-secret-4",
				"spring.kafka.properties.basic.auth.user.info=registry:basic-secret-5",
				"spring.kafka.properties.sasl.oauthbearer.client.credentials.client.secret=oauth-secret-6",
				// A named client that cannot work: its failure is reported and logged.
				"kafka.starter.clients.secure.bootstrap-servers=localhost:1",
				"kafka.starter.clients.secure.security.protocol=SASL_SSL",
				"kafka.starter.clients.secure.properties.sasl.mechanism=PLAIN",
				"kafka.starter.clients.secure.properties.sasl.jaas.config=org.apache.kafka.common.security.plain."
						+ "PlainLoginModule required username=\"bob\" password=\"named-jaas-secret-7\";",
				"kafka.starter.clients.secure.ssl.trust-store-password=named-truststore-secret-8",
				"kafka.starter.health.broker.interval=1s", "kafka.starter.health.broker.timeout=1s",
				"management.endpoints.web.exposure.include=health,kafka",
				"management.endpoint.health.show-details=always")) {
			RestClient http = WebApps.http(app);
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				Response health = WebApps.exchange(http, "GET", "/actuator/health", null);
				assertThat(health.json().<String>read("$.components.kafka.components.default.status")).isEqualTo("UP");
				assertThat(health.json().<String>read("$.components.kafka.components.secure.status"))
					.isEqualTo("DOWN");
			});
			Response health = WebApps.exchange(http, "GET", "/actuator/health", null);
			Response kafka = WebApps.exchange(http, "GET", "/actuator/kafka", null);
			assertThat(kafka.status()).isEqualTo(200);
			// Masked, not missing: the settings are there.
			assertThat(kafka.json().<String>read("$.clients.default.consumer['sasl.jaas.config']")).isEqualTo("******");
			assertThat(kafka.json().<String>read("$.clients.default.consumer['ssl.keystore.password']"))
				.isEqualTo("******");
			assertThat(kafka.json().<String>read("$.clients.secure.admin['sasl.jaas.config']")).isEqualTo("******");
			assertThat(kafka.json().<String>read("$.clients.secure.admin['security.protocol']")).isEqualTo("SASL_SSL");
			assertThat(health.json().<String>read("$.components.kafka.components.secure.details.error")).isNotBlank();
			for (String secret : SECRETS) {
				assertThat(kafka.body()).as("endpoint").doesNotContain(secret);
				assertThat(health.body()).as("health").doesNotContain(secret);
			}
		}
		assertThat(output.getAll()).contains("Kafka client 'secure' cannot reach its brokers");
		for (String secret : SECRETS) {
			assertThat(output.getAll()).as("log").doesNotContain(secret);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		NewTopic secretsTopic() {
			return new NewTopic("secrets-topic", 1, (short) 1);
		}

		@KafkaListener(id = "secrets-listener", topics = "secrets-topic", groupId = "secrets-group")
		void listen(String value) {
		}

	}

}
