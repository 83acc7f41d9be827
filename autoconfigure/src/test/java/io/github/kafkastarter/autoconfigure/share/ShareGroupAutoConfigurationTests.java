package io.github.kafkastarter.autoconfigure.share;

import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.config.KafkaListenerContainerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultShareConsumerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;
import org.springframework.kafka.listener.AcknowledgingShareConsumerAwareMessageListener;
import org.springframework.kafka.listener.ContainerProperties.ShareAckMode;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.ShareConsumerRecordRecoverer;
import org.springframework.kafka.support.ShareAcknowledgment;

import static org.assertj.core.api.Assertions.assertThat;

class ShareGroupAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				ShareGroupAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=main:9092");

	@Test
	void everyClientGetsShareFactoriesFromProperties() {
		this.runner
			.withPropertyValues("spring.kafka.consumer.auto-offset-reset=earliest",
					"spring.kafka.consumer.enable-auto-commit=false", "spring.kafka.consumer.max-poll-records=42",
					"kafka.starter.share.acknowledgement-mode=manual",
					"kafka.starter.clients.jobs.bootstrap-servers=jobs:9092",
					"kafka.starter.clients.jobs.share.acknowledgement-mode=implicit",
					"kafka.starter.clients.jobs.share.on-failure=reject",
					"kafka.starter.clients.jobs.share.concurrency=3")
			.run((context) -> {
				ShareKafkaListenerContainerFactory<?, ?> defaults = context.getBean("shareKafkaListenerContainerFactory",
						ShareKafkaListenerContainerFactory.class);
				assertThat(defaults.getContainerProperties().getShareAckMode()).isEqualTo(ShareAckMode.MANUAL);
				ShareKafkaListenerContainerFactory<?, ?> jobs = context.getBean("jobsShareKafkaListenerContainerFactory",
						ShareKafkaListenerContainerFactory.class);
				assertThat(jobs.getContainerProperties().getShareAckMode()).isEqualTo(ShareAckMode.IMPLICIT);
				// What the factories have no getter for, as the starter sets it.
				KafkaClients clients = context.getBean(KafkaClients.class);
				RecordingShareFactory recordedDefaults = new RecordingShareFactory();
				ShareFactories.configure(recordedDefaults, clients.getDefault());
				assertThat(recordedDefaults.recoverer).isSameAs(ShareConsumerRecordRecoverer.RELEASING);
				assertThat(recordedDefaults.concurrency).isEqualTo(1);
				RecordingShareFactory recordedJobs = new RecordingShareFactory();
				ShareFactories.configure(recordedJobs, clients.get("jobs"));
				assertThat(recordedJobs.recoverer).isSameAs(ShareConsumerRecordRecoverer.REJECTING);
				assertThat(recordedJobs.concurrency).isEqualTo(3);
				assertThat(recordedJobs.getContainerProperties().getShareAckMode()).isEqualTo(ShareAckMode.IMPLICIT);
				ShareConsumerFactory<?, ?> jobsConsumers = context.getBean("jobsShareConsumerFactory",
						ShareConsumerFactory.class);
				// Regular-consumer settings a share consumer refuses are left out; the rest is kept.
				assertThat(jobsConsumers.getConfigurationProperties())
					.doesNotContainKeys(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
							ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.ISOLATION_LEVEL_CONFIG)
					.containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 42)
					.containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("jobs:9092"));
				// Named share factories do not compete with the default ones for plain injection.
				assertThat(context.getBean(ShareConsumerFactory.class))
					.isSameAs(context.getBean("shareConsumerFactory"));
			});
	}

	@Test
	void lookupsOfAListenerContainerFactoryByTypeStillFindBootsOne() {
		// With and without named clients, whose own factories are not default candidates.
		List<String[]> variants = List.of(new String[0], new String[] { "kafka.starter.clients.jobs.client-id=jobs" });
		for (String[] namedClients : variants) {
			this.runner.withPropertyValues(namedClients).withUserConfiguration(InjectionPoints.class).run((context) -> {
				Object boots = context.getBean("kafkaListenerContainerFactory");
				assertThat(context.getBean(KafkaListenerContainerFactory.class)).isSameAs(boots);
				InjectionPoints points = context.getBean(InjectionPoints.class);
				assertThat(points.anyFactory).isSameAs(boots);
				// The share factory is the only one of its own type: injectable as such.
				assertThat(points.shareFactory).isSameAs(context.getBean("shareKafkaListenerContainerFactory"));
			});
		}
	}

	@Test
	void aListenerThatCannotUseAnAcknowledgmentGetsAPlainListenerInExplicitMode() {
		this.runner.withUserConfiguration(ExplicitListeners.class).run((context) -> {
			KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
			// The container warns at start for an acknowledging listener in EXPLICIT mode.
			assertThat(registry.getListenerContainer("explicit-plain").getContainerProperties().getMessageListener())
				.isInstanceOf(MessageListener.class)
				.isNotInstanceOf(AcknowledgingShareConsumerAwareMessageListener.class);
			// Declares an acknowledgment it will not get: the warning says so.
			assertThat(registry.getListenerContainer("explicit-acknowledging")
				.getContainerProperties()
				.getMessageListener()).isInstanceOf(AcknowledgingShareConsumerAwareMessageListener.class);
		});
		this.runner.withUserConfiguration(ExplicitListeners.class)
			.withPropertyValues("kafka.starter.share.acknowledgement-mode=manual")
			.run((context) -> assertThat(context.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer("explicit-plain")
				.getContainerProperties()
				.getMessageListener()).isInstanceOf(AcknowledgingShareConsumerAwareMessageListener.class));
	}

	@Test
	void shareSupportCanBeSwitchedOffForAllClientsOrOne() {
		this.runner
			.withPropertyValues("kafka.starter.clients.jobs.share.enabled=false",
					"kafka.starter.clients.reports.client-id=reports")
			.run((context) -> assertThat(context).hasBean("shareKafkaListenerContainerFactory")
				.hasBean("reportsShareKafkaListenerContainerFactory")
				.doesNotHaveBean("jobsShareKafkaListenerContainerFactory"));
		this.runner.withPropertyValues("kafka.starter.share.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("shareKafkaListenerContainerFactory"));
	}

	/**
	 * Records what the share factory has no getter for.
	 */
	static class RecordingShareFactory extends ShareKafkaListenerContainerFactory<Object, Object> {

		ShareConsumerRecordRecoverer recoverer;

		int concurrency;

		RecordingShareFactory() {
			super(new DefaultShareConsumerFactory<>(Map.of()));
		}

		@Override
		public void setShareConsumerRecordRecoverer(ShareConsumerRecordRecoverer recoverer) {
			this.recoverer = recoverer;
			super.setShareConsumerRecordRecoverer(recoverer);
		}

		@Override
		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
			super.setConcurrency(concurrency);
		}

	}

	static class InjectionPoints {

		@Autowired
		KafkaListenerContainerFactory<?> anyFactory;

		@Autowired
		ShareKafkaListenerContainerFactory<?, ?> shareFactory;

	}

	static class ExplicitListeners {

		@KafkaListener(id = "explicit-plain", topics = "jobs", groupId = "jobs", autoStartup = "false",
				containerFactory = "shareKafkaListenerContainerFactory")
		void plain(String job) {
		}

		@KafkaListener(id = "explicit-acknowledging", topics = "jobs", groupId = "jobs", autoStartup = "false",
				containerFactory = "shareKafkaListenerContainerFactory")
		void acknowledging(String job, ShareAcknowledgment acknowledgment) {
		}

	}

}
