package io.github.kafkastarter.autoconfigure.reliability;

import java.time.Duration;
import java.util.List;

import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;
import io.github.kafkastarter.autoconfigure.consumer.ListenerReliabilitySettings;
import io.github.kafkastarter.autoconfigure.dedup.Deduplicated;
import io.github.kafkastarter.autoconfigure.dedup.Deduplication;
import io.github.kafkastarter.autoconfigure.errorhandling.ListenerErrorHandlers;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.CommonLoggingErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every listener container gets retries and dead letters from properties (the
 * application's own error handler wins), per client and per listener, and under static
 * membership a stable group.instance.id of its own.
 */
class ListenerContainersTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS,
					AutoConfigs.DEDUPLICATION))
		.withUserConfiguration(Listeners.class)
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9092",
				"kafka.starter.producer.verify-durability=off", "kafka.starter.clients.audit.client-id=audit");

	@Test
	void everyListenerRetriesAndDeadLettersByDefault() {
		this.runner.run((context) -> {
			assertThat(container(context, "orders").getCommonErrorHandler()).isInstanceOf(DefaultErrorHandler.class);
			assertThat(container(context, "audit").getCommonErrorHandler()).isInstanceOf(DefaultErrorHandler.class);
			ListenerReliabilitySettings settings = settings(context, "default", "orders");
			assertThat(settings.retry().getAttempts()).isEqualTo(3);
			assertThat(settings.deadLetter().isEnabled()).isTrue();
			assertThat(settings.deadLetter().topicFor("orders")).isEqualTo("orders.DLT");
		});
	}

	@Test
	void errorHandlingOffLeavesSpringKafkasDefaultAsWithBootAlone() {
		this.runner
			.withPropertyValues("kafka.starter.consumer.error-handling=false",
					"kafka.starter.consumer.listeners.payments.error-handling=true")
			.run((context) -> {
				// No handler on the container: Spring Kafka's consumer uses its own default.
				assertThat(container(context, "orders").getCommonErrorHandler()).isNull();
				assertThat(container(context, "audit").getCommonErrorHandler()).isNull();
				assertThat(container(context, "payments").getCommonErrorHandler())
					.isInstanceOf(DefaultErrorHandler.class);
			});
	}

	@Test
	void settingsLayerFromAllClientsToOneClientToOneListener() {
		this.runner
			.withPropertyValues("kafka.starter.consumer.retry.attempts=5",
					"kafka.starter.consumer.retry.backoff.delay=200ms",
					"kafka.starter.clients.audit.consumer.retry.attempts=2",
					"kafka.starter.clients.audit.consumer.dead-letter.topic-suffix=-dlt",
					"kafka.starter.consumer.listeners.payments.retry.attempts=7",
					"kafka.starter.consumer.listeners.payments.dead-letter.topic=payments.failed",
					"kafka.starter.consumer.listeners.payments.retry.not-retryable=java.lang.IllegalArgumentException")
			.run((context) -> {
				ListenerReliabilitySettings orders = settings(context, "default", "orders");
				assertThat(orders.retry().getAttempts()).isEqualTo(5);
				assertThat(orders.retry().getBackoff().getDelay()).isEqualTo(Duration.ofMillis(200));
				ListenerReliabilitySettings audit = settings(context, "audit", "audit");
				assertThat(audit.retry().getAttempts()).isEqualTo(2);
				assertThat(audit.retry().getBackoff().getDelay()).isEqualTo(Duration.ofMillis(200));
				assertThat(audit.deadLetter().topicFor("orders.audit")).isEqualTo("orders.audit-dlt");
				ListenerReliabilitySettings payments = settings(context, "default", "payments");
				assertThat(payments.retry().getAttempts()).isEqualTo(7);
				assertThat(payments.retry().getNotRetryable()).containsExactly(IllegalArgumentException.class);
				assertThat(payments.deadLetter().topicFor("payments")).isEqualTo("payments.failed");
				assertThat(payments.propertyFor("dead-letter.topic"))
					.isEqualTo("kafka.starter.consumer.listeners.payments.dead-letter.topic");
			});
	}

	@Test
	void theBackOffIsExponentialWithAMaximumAndStopsAfterTheAttempts() {
		ConsumerReliabilityProperties.Retry retry = new ConsumerReliabilityProperties.Retry();
		retry.setAttempts(4);
		retry.getBackoff().setDelay(Duration.ofMillis(100));
		retry.getBackoff().setMultiplier(3);
		retry.getBackoff().setMaxDelay(Duration.ofMillis(500));
		ExponentialBackOff backOff = (ExponentialBackOff) ListenerErrorHandlers.backOff(retry);
		BackOffExecution execution = backOff.start();
		assertThat(List.of(execution.nextBackOff(), execution.nextBackOff(), execution.nextBackOff(),
				execution.nextBackOff()))
			.containsExactly(100L, 300L, 500L, BackOffExecution.STOP);
	}

	@Test
	void anErrorHandlerOfTheApplicationIsKept() {
		this.runner.withBean(CommonErrorHandler.class, CommonLoggingErrorHandler::new)
			.run((context) -> assertThat(container(context, "orders").getCommonErrorHandler())
				.isInstanceOf(CommonLoggingErrorHandler.class));
	}

	@Test
	void staticMembershipGivesEachContainerAStableInstanceId() {
		this.runner
			.withPropertyValues("spring.application.name=shop", "kafka.starter.consumer.static-membership.enabled=true",
					"kafka.starter.consumer.static-membership.instance-id=pod-7")
			.run((context) -> {
				assertThat(container(context, "orders").getContainerProperties()
					.getKafkaConsumerProperties()
					.getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)).isEqualTo("shop-pod-7-orders");
				assertThat(container(context, "audit").getContainerProperties()
					.getKafkaConsumerProperties()
					.getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)).isEqualTo("shop-pod-7-audit");
			});
	}

	@Test
	void staticMembershipCanBeLimitedToOneClient() {
		this.runner
			.withPropertyValues("kafka.starter.clients.audit.consumer.static-membership.enabled=true",
					"kafka.starter.clients.audit.consumer.static-membership.instance-id=pod-7")
			.run((context) -> {
				assertThat(container(context, "audit").getContainerProperties()
					.getKafkaConsumerProperties()
					.getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)).isEqualTo("application-pod-7-audit");
				assertThat(container(context, "orders").getContainerProperties()
					.getKafkaConsumerProperties()
					.getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)).isNull();
			});
	}

	@Test
	void listenersAreDeduplicatedByAnnotationOrByProperty() {
		this.runner.withPropertyValues("kafka.starter.consumer.listeners.audit.deduplicate=true").run((context) -> {
			Deduplication deduplication = context.getBean(Deduplication.class);
			assertThat(deduplication.forListener("payments")).isPresent();
			assertThat(deduplication.forListener("audit")).isPresent();
			assertThat(deduplication.forListener("orders")).isEmpty();
			assertThat(deduplication.forListener("payments").get().group()).isEqualTo("shop");
		});
	}

	private static ConcurrentMessageListenerContainer<?, ?> container(AssertableApplicationContext context,
			String id) {
		return (ConcurrentMessageListenerContainer<?, ?>) context.getBean(KafkaListenerEndpointRegistry.class)
			.getListenerContainer(id);
	}

	private static ListenerReliabilitySettings settings(AssertableApplicationContext context, String client,
			String listener) {
		return context.getBean(ListenerErrorHandlers.class)
			.settings(context.getBean(KafkaClients.class).get(client), listener);
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@KafkaListener(id = "orders", topics = "orders", groupId = "shop", autoStartup = "false")
		void onOrder(String order) {
		}

		@KafkaListener(id = "payments", topics = "payments", groupId = "shop", autoStartup = "false")
		@Deduplicated
		void onPayment(ConsumerRecord<String, String> payment) {
		}

		@KafkaListener(id = "audit", topics = "orders.audit", groupId = "audit", autoStartup = "false",
				containerFactory = "auditKafkaListenerContainerFactory")
		void onAudit(String audit) {
		}

	}

}
