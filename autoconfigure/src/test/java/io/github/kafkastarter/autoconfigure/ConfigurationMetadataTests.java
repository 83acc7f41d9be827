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
			assertThat((String) property.get("name")).startsWith("kafka.starter.");
			assertThat((String) property.get("description")).as("description of %s", property.get("name"))
				.isNotBlank();
		});
		assertThat(properties).extracting((property) -> property.get("name"))
			.contains("kafka.starter.clients", "kafka.starter.dev-broker.enabled", "kafka.starter.dev-broker.topics",
					"kafka.starter.interceptors.enabled", "kafka.starter.producer.profile",
					"kafka.starter.consumer.retry.attempts", "kafka.starter.consumer.dead-letter.topic-suffix",
					"kafka.starter.consumer.static-membership.enabled", "kafka.starter.deduplication.store");
	}

	private static String metadata() throws IOException {
		try (InputStream in = ConfigurationMetadataTests.class.getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
