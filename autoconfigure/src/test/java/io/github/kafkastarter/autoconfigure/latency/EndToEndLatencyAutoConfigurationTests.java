package io.github.kafkastarter.autoconfigure.latency;

import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.interceptor.BeanConsumerInterceptors;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the end-to-end latency timer is wired for every client; no broker.
 */
@SuppressWarnings("unchecked")
class EndToEndLatencyAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				EndToEndLatencyAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.clients.audit.client-id=audit");

	private final ApplicationContextRunner withRegistry = this.runner.withBean(MeterRegistry.class,
			SimpleMeterRegistry::new);

	@Test
	void everyClientsConsumersTimeWhatTheyReceive() {
		this.withRegistry.run((context) -> {
			for (String factory : List.of("kafkaConsumerFactory", "auditConsumerFactory")) {
				Map<String, Object> configs = consumerConfigs(context, factory);
				assertThat((List<Object>) configs.get(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG))
					.containsExactly(EndToEndLatencyInterceptor.class);
				assertThat(configs.get(EndToEndLatencyInterceptor.METERS_CONFIG))
					.isInstanceOf(EndToEndLatencyMeters.class);
			}
			assertThat(consumerConfigs(context, "auditConsumerFactory").get(EndToEndLatencyInterceptor.METERS_CONFIG))
				.hasToString("EndToEndLatencyMeters[audit]");
		});
	}

	@Test
	void theLatencyInterceptorRunsAfterInterceptorsAlreadyConfigured() {
		this.withRegistry
			.withConfiguration(AutoConfigurations.of(AutoConfigs.INTERCEPTORS))
			.withBean(NoOpInterceptor.class)
			.withPropertyValues("spring.kafka.consumer.properties.interceptor.classes=" + NoOpInterceptor.class.getName())
			.run((context) -> assertThat(
					(List<Object>) consumerConfigs(context, "kafkaConsumerFactory").get(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG))
				.containsExactly(BeanConsumerInterceptors.class, NoOpInterceptor.class.getName(),
						EndToEndLatencyInterceptor.class));
	}

	@Test
	void latencyCanBeSwitchedOffForAllClientsOrOne() {
		this.withRegistry.withPropertyValues("kafka.starter.e2e.enabled=false")
			.run((context) -> assertThat(consumerConfigs(context, "kafkaConsumerFactory"))
				.doesNotContainKey(EndToEndLatencyInterceptor.METERS_CONFIG)
				.doesNotContainKey(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG));
		this.withRegistry.withPropertyValues("kafka.starter.clients.audit.e2e.enabled=false").run((context) -> {
			assertThat(consumerConfigs(context, "kafkaConsumerFactory"))
				.containsKey(EndToEndLatencyInterceptor.METERS_CONFIG);
			assertThat(consumerConfigs(context, "auditConsumerFactory"))
				.doesNotContainKey(EndToEndLatencyInterceptor.METERS_CONFIG);
		});
	}

	@Test
	void withoutAMeterRegistryNothingIsTimed() {
		this.runner.run((context) -> assertThat(consumerConfigs(context, "kafkaConsumerFactory"))
			.doesNotContainKey(EndToEndLatencyInterceptor.METERS_CONFIG));
	}

	private static Map<String, Object> consumerConfigs(AssertableApplicationContext context, String name) {
		return context.getBean(name, DefaultKafkaConsumerFactory.class).getConfigurationProperties();
	}

	public static class NoOpInterceptor implements ConsumerInterceptor<Object, Object> {

		@Override
		public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
			return records;
		}

		@Override
		public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
		}

		@Override
		public void close() {
		}

		@Override
		public void configure(Map<String, ?> configs) {
		}

	}

}
