package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How client metrics and observation are wired for every client; no broker.
 */
@SuppressWarnings("unchecked")
class ClientMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaMetricsAutoConfiguration.class, KafkaAutoConfiguration.class,
				AutoConfigs.CLIENTS, ClientMetricsAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.audit.client-id=audit");

	private final ApplicationContextRunner withRegistry = this.runner.withBean(MeterRegistry.class,
			SimpleMeterRegistry::new);

	@Test
	void withoutAMeterRegistryNothingIsMeasured() {
		this.runner.run((context) -> {
			assertThat(context.getBean("auditConsumerFactory", DefaultKafkaConsumerFactory.class).getListeners())
				.isEmpty();
			assertThat(context.getBean("auditProducerFactory", DefaultKafkaProducerFactory.class).getListeners())
				.isEmpty();
		});
	}

	@Test
	void everyClientsKafkaMetricsAreBoundTaggedWithTheClient() {
		this.withRegistry.run((context) -> {
			for (String client : List.of("default", "audit")) {
				String prefix = client.equals("default") ? "kafka" : client;
				List<?> consumerListeners = context
					.getBean(prefix + "ConsumerFactory", DefaultKafkaConsumerFactory.class)
					.getListeners();
				List<?> producerListeners = context
					.getBean(prefix + "ProducerFactory", DefaultKafkaProducerFactory.class)
					.getListeners();
				// Spring Boot's untagged listener on the default factories is replaced, not doubled.
				assertThat(consumerListeners).singleElement()
					.isInstanceOf(ClientMetricsCustomizer.ClientConsumerMetrics.class)
					.satisfies((listener) -> assertThat(tags(listener)).containsExactly(Tag.of("client", client)));
				assertThat(producerListeners).singleElement()
					.isInstanceOf(ClientMetricsCustomizer.ClientProducerMetrics.class)
					.satisfies((listener) -> assertThat(tags(listener)).containsExactly(Tag.of("client", client)));
			}
		});
	}

	@Test
	void switchedOffSpringBootsOwnClientMetricsRemain() {
		this.withRegistry.withPropertyValues("kafka.starter.client-metrics.enabled=false").run((context) -> {
			assertThat(context.getBean("kafkaConsumerFactory", DefaultKafkaConsumerFactory.class).getListeners())
				.singleElement()
				.isExactlyInstanceOf(MicrometerConsumerListener.class);
			assertThat(context.getBean("kafkaProducerFactory", DefaultKafkaProducerFactory.class).getListeners())
				.singleElement()
				.isExactlyInstanceOf(MicrometerProducerListener.class);
			assertThat(context.getBean("auditConsumerFactory", DefaultKafkaConsumerFactory.class).getListeners())
				.isEmpty();
		});
	}

	@Test
	void springBootsObservationPropertiesSwitchObservationOnForEveryClient() {
		// What kafka.starter.observation.enabled did before it was removed: named clients
		// inherit Boot's two properties, or set their own.
		this.runner.run((context) -> assertThat(observationEnabled(context)).containsOnly(false));
		this.runner
			.withPropertyValues("spring.kafka.template.observation-enabled=true",
					"spring.kafka.listener.observation-enabled=true")
			.run((context) -> assertThat(observationEnabled(context)).containsOnly(true));
		this.runner
			.withPropertyValues("kafka.starter.clients.audit.template.observation-enabled=true",
					"kafka.starter.clients.audit.listener.observation-enabled=true")
			.run((context) -> assertThat(observationEnabled(context)).containsExactly(false, false, true, true));
	}

	private static List<Boolean> observationEnabled(AssertableApplicationContext context) {
		return List.of((boolean) ReflectionTestUtils.getField(context.getBean("kafkaTemplate"), "observationEnabled"),
				context.getBean("kafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class)
					.getContainerProperties()
					.isObservationEnabled(),
				(boolean) ReflectionTestUtils.getField(context.getBean("auditKafkaTemplate", KafkaTemplate.class),
						"observationEnabled"),
				context.getBean("auditKafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class)
					.getContainerProperties()
					.isObservationEnabled());
	}

	@SuppressWarnings("unchecked")
	private static List<Tag> tags(Object listener) {
		return (List<Tag>) ReflectionTestUtils.getField(listener, "tags");
	}

	private static Map<String, Object> consumerConfigs(AssertableApplicationContext context, String name) {
		return context.getBean(name, DefaultKafkaConsumerFactory.class).getConfigurationProperties();
	}

}
