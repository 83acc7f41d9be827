package io.github.kafkastarter.autoconfigure.actuate;

import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.health.ListenerContainerStates;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the kafka endpoint exists, which operations Spring Boot's access rules let through
 * to the web, and how it masks secrets. No broker.
 */
class KafkaEndpointAutoConfigurationTests {

	// Enum values in capitals: a context runner converts them strictly, SpringApplication
	// leniently.
	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
				KafkaEndpointAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9");

	@Test
	void notThereUnlessExposedLikeBootsOwnEndpoints() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(KafkaEndpoint.class));
	}

	@Test
	void readOnlyByDefault() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=kafka").run((context) -> {
			assertThat(context).hasSingleBean(KafkaEndpoint.class).hasSingleBean(KafkaEndpointWebExtension.class);
			assertThat(operations(context)).containsOnly(OperationType.READ);
		});
	}

	@Test
	void writableWhenAccessIsUnrestricted() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=kafka",
					"management.endpoint.kafka.access=UNRESTRICTED")
			.run((context) -> assertThat(operations(context)).contains(OperationType.READ, OperationType.WRITE));
	}

	@Test
	void readOnlyWhenTheApplicationCapsAccessEvenIfTheEndpointAsksForMore() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=kafka",
					"management.endpoint.kafka.access=UNRESTRICTED", "management.endpoints.access.max-permitted=READ_ONLY")
			.run((context) -> assertThat(operations(context)).containsOnly(OperationType.READ));
	}

	@Test
	void goneWhenAccessIsNone() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=kafka", "management.endpoint.kafka.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(KafkaEndpoint.class));
	}

	@Test
	void theApplicationsOwnEndpointWins() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=kafka")
			.withUserConfiguration(OwnEndpoint.class)
			.run((context) -> assertThat(context.getBean(KafkaEndpoint.class)).isSameAs(OwnEndpoint.ENDPOINT));
	}

	@Test
	void worksWithoutSpringBootHealth() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=kafka")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasSingleBean(KafkaEndpoint.class)
				.hasSingleBean(ListenerContainerStates.class));
	}

	@Test
	void secretsAreMaskedAndTheRestIsShown() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=kafka",
					"spring.kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
							+ "required username=\"alice\" password=\"jaas-secret\";",
					"spring.kafka.ssl.key-store-password=keystore-secret", "spring.kafka.ssl.key-password=key-secret",
					"spring.kafka.ssl.trust-store-password=truststore-secret",
					"spring.kafka.properties.basic.auth.user.info=registry:basic-secret",
					"spring.kafka.properties.sasl.oauthbearer.client.credentials.client.secret=oauth-secret",
					"spring.kafka.properties.my.login=LoginModule required password=\"inline-secret\";",
					"spring.kafka.properties.custom.setting=masked-by-the-application",
					"spring.kafka.producer.acks=all")
			.withUserConfiguration(ApplicationSanitizer.class)
			.run((context) -> {
				Map<String, Object> producer = context.getBean(KafkaEndpoint.class)
					.kafka()
					.clients()
					.get("default")
					.producer();
				assertThat(producer).containsEntry("sasl.jaas.config", "******")
					.containsEntry("ssl.keystore.password", "******")
					.containsEntry("ssl.key.password", "******")
					.containsEntry("ssl.truststore.password", "******")
					.containsEntry("basic.auth.user.info", "******")
					.containsEntry("sasl.oauthbearer.client.credentials.client.secret", "******")
					.containsEntry("my.login", "******")
					.containsEntry("custom.setting", "******")
					.containsEntry("acks", "all")
					.containsEntry("bootstrap.servers", List.of("localhost:9"));
				assertThat(producer.toString()).doesNotContain("jaas-secret", "keystore-secret", "key-secret",
						"truststore-secret", "basic-secret", "oauth-secret", "inline-secret", "masked-by-the-application");
			});
	}

	private static List<OperationType> operations(AssertableWebApplicationContext context) {
		ExposableWebEndpoint kafka = context.getBean(WebEndpointsSupplier.class)
			.getEndpoints()
			.stream()
			.filter((endpoint) -> endpoint.getEndpointId().toString().equals("kafka"))
			.findFirst()
			.orElseThrow();
		return kafka.getOperations().stream().map(WebOperation::getType).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationSanitizer {

		@Bean
		SanitizingFunction customSetting() {
			return (data) -> data.getKey().equals("custom.setting") ? data.withSanitizedValue() : data;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnEndpoint {

		static final KafkaEndpoint ENDPOINT = new KafkaEndpoint(null, null, null,
				new KafkaConfigurationSanitizer(List.of()), java.time.Duration.ofSeconds(1));

		@Bean
		KafkaEndpoint myKafkaEndpoint() {
			return ENDPOINT;
		}

	}

}
