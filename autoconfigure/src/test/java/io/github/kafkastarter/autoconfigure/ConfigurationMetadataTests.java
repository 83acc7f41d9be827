package io.github.kafkastarter.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key of ours is in the generated metadata, with a description IDEs can show.
 */
class ConfigurationMetadataTests {

	@Test
	void everyStarterPropertyHasADescription() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(metadata(), "$.properties[*]");
		assertThat(properties).isNotEmpty();
		assertThat(properties).allSatisfy((property) -> {
			// Ours, and the management keys of our health indicators and endpoint.
			assertThat((String) property.get("name"))
				.matches("(kafka\\.starter\\.|management\\.health\\.kafka|management\\.endpoint\\.kafka\\.).+");
			assertThat((String) property.get("description")).as("description of %s", property.get("name"))
				.isNotBlank();
		});
		assertThat(properties).extracting((property) -> property.get("name"))
			.contains("kafka.starter.clients", "kafka.starter.dev-broker.enabled", "kafka.starter.dev-broker.topics",
					"kafka.starter.interceptors.enabled", "kafka.starter.lag.interval", "kafka.starter.lag.groups",
					"kafka.starter.lag.partition-tags", "kafka.starter.e2e.enabled", "kafka.starter.client-metrics.enabled",
					"kafka.starter.health.broker.interval",
					"kafka.starter.health.lag.max-offsets", "kafka.starter.endpoint.timeout",
					"management.health.kafka-brokers.enabled", "management.endpoint.kafka.access",
					"kafka.starter.producer.profile", "kafka.starter.consumer.retry.attempts",
					"kafka.starter.consumer.dead-letter.topic-suffix", "kafka.starter.consumer.static-membership.enabled",
					"kafka.starter.deduplication.store", "kafka.starter.parallel.listeners",
					"kafka.starter.share.acknowledgement-mode", "kafka.starter.priority.listeners");
	}

	private static String metadata() throws IOException {
		try (InputStream in = ConfigurationMetadataTests.class.getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
