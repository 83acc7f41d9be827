package io.github.kafkastarter.autoconfigure.client;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Kafka settings are secrets, and keeping their values out of text.
 */
class KafkaSecretsTests {

	@Test
	void secretSettings() {
		assertThat(List.of("sasl.jaas.config", "ssl.keystore.password", "ssl.key.password", "ssl.truststore.password",
				"basic.auth.user.info", "schema.registry.basic.auth.user.info",
				"sasl.oauthbearer.client.credentials.client.secret", "sasl.oauthbearer.assertion.private.key.passphrase",
				"ssl.keystore.key", "ssl.keystore.certificate.chain", "ssl.truststore.certificates", "bearer.auth.token",
				"SSL.KEYSTORE.PASSWORD"))
			.allMatch(KafkaSecrets::isSecret);
		assertThat(List.of("bootstrap.servers", "acks", "key.serializer", "ssl.keystore.location",
				"ssl.truststore.type", "security.protocol", "sasl.mechanism", "group.id"))
			.noneMatch(KafkaSecrets::isSecret);
	}

	@Test
	void secretValuesIncludeCredentialsInsideAJaasConfiguration() {
		Map<String, Object> config = Map.of("sasl.jaas.config",
				"org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" "
						+ "password=\"p4ss\";",
				"ssl.key.password", new Password("k3y"), "bootstrap.servers", "broker:9092", "ssl.keystore.password",
				"");
		assertThat(KafkaSecrets.values(config)).contains("p4ss", "k3y")
			.anyMatch((value) -> value.startsWith("org.apache"))
			.doesNotContain("alice", "broker:9092", "");
		assertThat(KafkaSecrets.containsCredentials("X required password=\"p\";")).isTrue();
		assertThat(KafkaSecrets.containsCredentials("X required username=\"u\";")).isFalse();
	}

	@Test
	void describingAFailureMasksSecretsInItsMessageAndCauses() {
		Exception failure = new IllegalStateException("Login failed",
				new SaslAuthenticationException("Authentication failed for p4ss"));
		assertThat(KafkaSecrets.describe(failure, List.of("p4ss")))
			.isEqualTo("IllegalStateException: Login failed; caused by SaslAuthenticationException: "
					+ "Authentication failed for ******");
	}

}
