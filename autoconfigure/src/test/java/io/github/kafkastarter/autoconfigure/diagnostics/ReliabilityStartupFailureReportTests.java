package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.concurrent.CompletableFuture;

import io.github.kafkastarter.autoconfigure.dedup.Deduplicated;
import io.github.kafkastarter.autoconfigure.support.StartupFailures;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reliability settings that cannot work stop start-up at once with a report that names
 * the property and the fix, for the default client, named clients and single listeners.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReliabilityStartupFailureReportTests {

	private static final String SERVERS = "spring.kafka.bootstrap-servers=localhost:9092";

	@Test
	void unknownSerializerClass(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"spring.kafka.producer.value-serializer=com.acme.OrderSerializer");
		assertThat(report).contains("spring.kafka.producer.value-serializer")
			.contains("'com.acme.OrderSerializer'")
			.contains("no class 'com.acme.OrderSerializer' on the classpath");
	}

	@Test
	void serializerNamedWithoutItsPackage(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"kafka.starter.clients.audit.producer.properties.value.serializer=StringSerializer");
		assertThat(report).contains("kafka.starter.clients.audit.producer.properties[value.serializer]")
			.contains("org.apache.kafka.common.serialization.StringSerializer");
	}

	@Test
	void deserializerWhereASerializerBelongs(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringDeserializer");
		assertThat(report).contains("spring.kafka.producer.key-serializer")
			.contains("is a deserializer")
			.contains("spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer");
	}

	@Test
	void unknownDeserializerClass(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"spring.kafka.consumer.properties.spring.deserializer.value.delegate.class=com.acme.Missing");
		assertThat(report).contains("spring.kafka.consumer.properties[spring.deserializer.value.delegate.class]")
			.contains("no class 'com.acme.Missing'");
	}

	@Test
	void idempotenceWithAcksOne(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "spring.kafka.producer.acks=1",
				"spring.kafka.producer.properties.enable.idempotence=true");
		// Kafka's own refusal, with the two properties that cause it.
		assertThat(report).contains("property 'spring.kafka.producer.acks' has the value '1'")
			.contains("Must set acks to all in order to use the idempotent producer")
			.contains("without 'spring.kafka.producer.properties[enable.idempotence]=true'")
			.contains("Kafka's default for acks is all");
	}

	@Test
	void transactionsWithAcksZero(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"kafka.starter.clients.payments.producer.transaction-id-prefix=pay-",
				"kafka.starter.clients.payments.producer.acks=0");
		assertThat(report)
			.contains("property 'kafka.starter.clients.payments.producer.transaction-id-prefix' has the value 'pay-'")
			.contains("Cannot set a transactional.id without also enabling idempotence")
			.contains("or without 'kafka.starter.clients.payments.producer.acks=0'");
	}

	@Test
	void transactionsWithoutIdempotence(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "spring.kafka.producer.transaction-id-prefix=tx-",
				"spring.kafka.producer.properties.enable.idempotence=false");
		assertThat(report).contains("property 'spring.kafka.producer.transaction-id-prefix' has the value 'tx-'")
			.contains("Cannot set a transactional.id without also enabling idempotence")
			.contains("or without 'spring.kafka.producer.properties[enable.idempotence]=false'");
	}

	@Test
	void idempotenceWithTooManyRequestsInFlight(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"spring.kafka.properties.max.in.flight.requests.per.connection=10",
				"spring.kafka.producer.properties.enable.idempotence=true");
		assertThat(report).contains("spring.kafka.properties[max.in.flight.requests.per.connection]")
			.contains("at most 5");
	}

	@Test
	void tooManyRequestsInFlightForKafkasDefaultIdempotence(CapturedOutput output) {
		// The durable profile no longer turns idempotence off behind the application's back.
		String report = StartupFailures.report(output, SERVERS,
				"spring.kafka.producer.properties.max.in.flight.requests.per.connection=10");
		assertThat(report).contains("property 'spring.kafka.producer.properties[max.in.flight.requests.per.connection]'")
			.contains("must be set to at most 5")
			.contains("Kafka's default (5)");
	}

	@Test
	void compressionTypeKafkaDoesNotKnow(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"kafka.starter.clients.audit.producer.compression-type=snappy2");
		assertThat(report).contains("property 'kafka.starter.clients.audit.producer.compression-type'")
			.contains("String must be one of: none, gzip, snappy, lz4, zstd")
			.contains("Kafka's default (none)");
	}

	@Test
	void autoOffsetResetKafkaDoesNotKnow(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"spring.kafka.consumer.properties.auto.offset.reset=oldest");
		assertThat(report).contains("property 'spring.kafka.consumer.properties[auto.offset.reset]'")
			.contains("'earliest', 'latest', 'none'");
	}

	@Test
	void negativeDeliveryTimeout(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"spring.kafka.producer.properties.delivery.timeout.ms=-1");
		assertThat(report).contains("spring.kafka.producer.properties[delivery.timeout.ms]")
			.contains("Value must be at least 0")
			.contains("Kafka's default (120000)");
	}

	@Test
	void deliveryTimeoutShorterThanLingerAndRequestTimeout(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"spring.kafka.producer.properties.delivery.timeout.ms=10000");
		assertThat(report).contains("spring.kafka.producer.properties[delivery.timeout.ms]")
			.contains("at least linger.ms + request.timeout.ms (30005 ms here)");
	}

	@Test
	void zeroBufferMemory(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "kafka.starter.clients.audit.producer.buffer-memory=0");
		assertThat(report).contains("kafka.starter.clients.audit.producer.buffer-memory").contains("above zero");
	}

	@Test
	void zeroMaxPollRecords(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "spring.kafka.consumer.max-poll-records=0");
		assertThat(report).contains("spring.kafka.consumer.max-poll-records").contains("Value must be at least 1");
	}

	@Test
	void heartbeatNotBelowSessionTimeout(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "spring.kafka.consumer.heartbeat-interval=60s",
				"spring.kafka.consumer.properties.session.timeout.ms=45000");
		assertThat(report).contains("spring.kafka.consumer.heartbeat-interval").contains("below the session timeout");
	}

	@Test
	void listenerConcurrencyZero(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "kafka.starter.clients.audit.listener.concurrency=0");
		assertThat(report).contains("kafka.starter.clients.audit.listener.concurrency")
			.contains("at least one consumer");
	}

	@Test
	void assignorWithTheConsumerGroupProtocol(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "kafka.starter.consumer.group-protocol=consumer",
				"spring.kafka.consumer.properties.partition.assignment.strategy="
						+ "org.apache.kafka.clients.consumer.RangeAssignor");
		assertThat(report).contains("spring.kafka.consumer.properties[partition.assignment.strategy]")
			.contains("KIP-848")
			.contains("group.consumer.assignors");
	}

	@Test
	void unknownProducerProfile(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "kafka.starter.clients.audit.producer.profile=fast");
		// Spring Boot's binding report, with the valid values.
		assertThat(report).contains("kafka.starter.clients.audit.producer.profile")
			.contains("fast")
			.contains("The following values are valid")
			.containsIgnoringCase("low_latency");
	}

	@Test
	void retryAttemptsBelowOne(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "kafka.starter.consumer.retry.attempts=0");
		assertThat(report).contains("kafka.starter.consumer.retry.attempts")
			.contains("the first included, so at least 1");
	}

	@Test
	void deserializerSupplierThatMakesANewOneForEveryConsumer(CapturedOutput output) {
		String report = StartupFailures.report(output, new Class<?>[] { IntegersPerConsumer.class }, SERVERS);
		assertThat(report).contains("property 'kafka.starter.consumer.poison-pill-safety' has the value 'true'")
			.contains("makes a new value deserializer for every consumer")
			.contains(IntegerDeserializer.class.getName())
			.contains("new ErrorHandlingDeserializer<>(deserializer)")
			.contains("kafka.starter.consumer.poison-pill-safety=false");
	}

	@Test
	void retryAttemptsBelowOneForOneListener(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"kafka.starter.consumer.listeners.orders.retry.attempts=-2");
		assertThat(report).contains("kafka.starter.consumer.listeners.orders.retry.attempts").contains("'-2'");
	}

	@Test
	void backOffLongerThanMaxPollInterval(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "spring.kafka.consumer.max-poll-interval=60s",
				"kafka.starter.consumer.retry.backoff.max-delay=2m");
		assertThat(report).contains("kafka.starter.consumer.retry.backoff.max-delay")
			.contains("reaches max.poll.interval.ms (60000 ms)");
	}

	@Test
	void backOffMultiplierBelowOne(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"kafka.starter.clients.audit.consumer.retry.backoff.multiplier=0.5");
		assertThat(report).contains("kafka.starter.clients.audit.consumer.retry.backoff.multiplier")
			.contains("shrink the delay");
	}

	@Test
	void notRetryableExceptionThatDoesNotExist(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"kafka.starter.consumer.retry.not-retryable=com.acme.InvalidOrderException");
		assertThat(report).contains("kafka.starter.consumer.retry.not-retryable")
			.contains("no exception class 'com.acme.InvalidOrderException'");
	}

	@Test
	void deadLetterSuffixThatMakesTheSourceTopic(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "kafka.starter.consumer.dead-letter.topic-suffix=");
		assertThat(report).contains("kafka.starter.consumer.dead-letter.topic-suffix")
			.contains("every dead-letter topic is its source topic");
	}

	@Test
	void deadLetterTopicWithAnIllegalName(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS,
				"kafka.starter.consumer.listeners.orders.dead-letter.topic=orders dead letters");
		assertThat(report).contains("kafka.starter.consumer.listeners.orders.dead-letter.topic")
			.contains("not a legal Kafka topic name");
	}

	@Test
	void deadLetterTopicEqualToTheListenersTopic(CapturedOutput output) {
		String report = StartupFailures.report(output, new Class<?>[] { OrdersListener.class }, SERVERS,
				"kafka.starter.consumer.listeners.orders.dead-letter.topic=orders");
		assertThat(report).contains("kafka.starter.consumer.listeners.orders.dead-letter.topic")
			.contains("Listener 'orders' reads topic 'orders' and would send its failed records to that same topic")
			.contains("orders.DLT");
	}

	@Test
	void staticMembershipWithoutAnInstanceIdentity(CapturedOutput output) {
		// Where the environment names the host (Kubernetes, Docker), that is the identity.
		assumeTrue(!StringUtils.hasText(System.getenv("HOSTNAME")), "HOSTNAME is set");
		String report = StartupFailures.report(output, SERVERS,
				"kafka.starter.consumer.static-membership.enabled=true");
		assertThat(report).contains("kafka.starter.consumer.static-membership.instance-id")
			.contains("this instance has no identity")
			.contains("fence the others");
	}

	@Test
	void staticMembershipIdSharedByTwoConsumersOfAGroup(CapturedOutput output) {
		String report = StartupFailures.report(output, new Class<?>[] { TwoListenersOneGroup.class }, SERVERS,
				"spring.kafka.consumer.properties.group.instance.id=shop-1");
		assertThat(report).contains("spring.kafka.consumer.properties[group.instance.id]")
			.contains("both join group 'shop' as group.instance.id 'shop-1'")
			.contains("kafka.starter.consumer.static-membership.enabled=true");
	}

	@Test
	void deduplicatedListenerTakingConsumerRecords(CapturedOutput output) {
		String report = StartupFailures.report(output, new Class<?>[] { PollResultListener.class }, SERVERS);
		assertThat(report).contains("@Deduplicated (listener 'poll')")
			.contains("takes the whole ConsumerRecords")
			.contains("List<ConsumerRecord<K, V>>");
	}

	@Test
	void deduplicatedListenerWithAnAsyncReturnType(CapturedOutput output) {
		String report = StartupFailures.report(output, new Class<?>[] { AsyncListener.class }, SERVERS);
		assertThat(report).contains("Listener 'async' is deduplicated, but it returns before its work is done");
	}

	@Test
	void jdbcDeduplicationStoreWithoutADataSource(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "kafka.starter.deduplication.store=jdbc");
		assertThat(report).contains("kafka.starter.deduplication.store")
			.contains("no single DataSource")
			.contains("spring.datasource.url");
	}

	@Test
	void zeroClaimTimeout(CapturedOutput output) {
		String report = StartupFailures.report(output, SERVERS, "kafka.starter.deduplication.claim-timeout=0s");
		assertThat(report).contains("kafka.starter.deduplication.claim-timeout").contains("above zero");
	}

	@Configuration(proxyBeanMethods = false)
	static class IntegersPerConsumer {

		@Bean
		@SuppressWarnings({ "unchecked", "rawtypes" })
		DefaultKafkaConsumerFactoryCustomizer integersPerConsumer() {
			return (factory) -> ((DefaultKafkaConsumerFactory<Object, Object>) factory)
				.setValueDeserializerSupplier(() -> (Deserializer) new IntegerDeserializer());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersListener {

		@KafkaListener(id = "orders", topics = "orders", groupId = "shop", autoStartup = "false")
		void onOrder(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoListenersOneGroup {

		@KafkaListener(id = "orders", topics = "orders", groupId = "shop", autoStartup = "false")
		void onOrder(String order) {
		}

		@KafkaListener(id = "refunds", topics = "refunds", groupId = "shop", autoStartup = "false")
		void onRefund(String refund) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PollResultListener {

		@KafkaListener(id = "poll", topics = "orders", groupId = "shop", batch = "true", autoStartup = "false")
		@Deduplicated
		void onOrders(ConsumerRecords<String, String> records) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncListener {

		@KafkaListener(id = "async", topics = "orders", groupId = "shop", autoStartup = "false")
		@Deduplicated
		CompletableFuture<Void> onOrder(String order) {
			return CompletableFuture.completedFuture(null);
		}

	}

}
