package io.github.kafkastarter.autoconfigure.parallel;

import java.util.List;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which containers become parallel, and the configurations that cannot work.
 */
class ParallelListenerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				ParallelListenerAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "spring.kafka.listener.auto-startup=false",
				"spring.kafka.consumer.group-id=wiring");

	@Test
	void onlyListenersWithParallelSettingsAreWrapped() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("kafka.starter.parallel.listeners.by-property.concurrency=8",
					"kafka.starter.parallel.listeners.by-property.ordering=unordered")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
				MessageListenerContainer plain = registry.getListenerContainer("plain");
				MessageListenerContainer byAnnotation = registry.getListenerContainer("by-annotation");
				MessageListenerContainer byProperty = registry.getListenerContainer("by-property");
				assertThat(plain.getContainerProperties().getMessageListener())
					.isNotInstanceOf(ParallelRecordListener.class);
				assertThat(byAnnotation.getContainerProperties().getMessageListener())
					.isInstanceOf(ParallelRecordListener.class);
				assertThat(byAnnotation.getContainerProperties().getAckMode()).isEqualTo(AckMode.MANUAL);
				assertThat(byProperty.getContainerProperties().getMessageListener())
					.isInstanceOf(ParallelRecordListener.class);
				ParallelListeners listeners = context.getBean(ParallelListeners.class);
				assertThat(listeners.all()).extracting(ParallelListeners.Stats::listenerId)
					.containsExactlyInAnyOrder("by-annotation", "by-property");
				assertThat(listeners.get("by-annotation").orElseThrow().maxInFlight()).isEqualTo(500);
				assertThat(listeners.get("by-property").orElseThrow().maxInFlight()).isEqualTo(8 * 32);
			});
	}

	@Test
	void propertiesOverrideTheAnnotation() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("kafka.starter.parallel.listeners.by-annotation.max-in-flight=40")
			.run((context) -> assertThat(
					context.getBean(ParallelListeners.class).get("by-annotation").orElseThrow().maxInFlight())
				.isEqualTo(40));
	}

	@Test
	void partitionOrderingLeavesTheListenerAsItIs() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("kafka.starter.parallel.listeners.by-annotation.ordering=partition")
			.run((context) -> assertThat(context.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer("by-annotation")
				.getContainerProperties()
				.getMessageListener()).isNotInstanceOf(ParallelRecordListener.class));
	}

	@Test
	void aBatchListenerCannotBeParallel() {
		this.runner.withUserConfiguration(BatchListener.class)
			.withPropertyValues("kafka.starter.parallel.listeners.batch.concurrency=8")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(KafkaStarterConfigurationException.class)
				.hasMessageContaining("kafka.starter.parallel.listeners.batch")
				.hasMessageContaining("batch listener"));
	}

	@Test
	void maxInFlightBelowConcurrencyIsRejected() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("kafka.starter.parallel.listeners.by-property.concurrency=64",
					"kafka.starter.parallel.listeners.by-property.max-in-flight=10")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("kafka.starter.parallel.listeners.by-property.max-in-flight"));
	}

	@Test
	void anAnnotatedListenerNeedsAnId() {
		this.runner.withUserConfiguration(AnonymousParallelListener.class)
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(KafkaStarterConfigurationException.class)
				.hasMessageContaining("needs an id"));
	}

	static class Listeners {

		@KafkaListener(id = "plain", topics = "t")
		void plain(String value) {
		}

		@KafkaListener(id = "by-annotation", topics = "t")
		@ParallelListener(concurrency = 4, maxInFlight = 500)
		void byAnnotation(ConsumerRecord<String, String> record) {
		}

		@KafkaListener(id = "by-property", topics = "t")
		void byProperty(String value) {
		}

	}

	static class BatchListener {

		@KafkaListener(id = "batch", topics = "t", batch = "true")
		void batch(List<String> values) {
		}

	}

	static class AnonymousParallelListener {

		@KafkaListener(topics = "t")
		@ParallelListener
		void noId(String value) {
		}

	}

}
