package io.github.kafkastarter.autoconfigure.interceptor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.github.kafkastarter.autoconfigure.client.ForClients;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.RecordInterceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interceptor beans run on a real broker, in order, on the produce, consume and record
 * paths, beside Kafka's own interceptor.classes, with their dependencies injected.
 */
class InterceptorBeansIntegrationTests {

	@Test
	void interceptorBeansRunInOrderOnEveryPathOfEveryClient() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, InterceptorAutoConfiguration.class))
			.withUserConfiguration(Interceptors.class, Listeners.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(),
					"spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.consumer.group-id=trail",
					"spring.kafka.producer.properties.interceptor.classes=" + KafkaClassInterceptor.class.getName(),
					"kafka.starter.clients.audit.client-id=audit")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaClients clients = context.getBean(KafkaClients.class);
				clients.getDefault().<String, String>template().send("trail-default", "k", "v").get();
				clients.get("audit").<String, String>template().send("trail-audit", "k", "v").get();
				Listeners listeners = context.getBean(Listeners.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> listeners.received.size() == 2);
				Map<String, List<String>> trails = new java.util.HashMap<>();
				listeners.received.forEach((record) -> trails.put(record.topic(), trail(record.headers())));
				assertThat(trails.get("trail-default")).containsExactly("producer-first", "producer-second",
						"kafka-class", "consumer-first", "consumer-second", "record-first", "record-second");
				assertThat(trails.get("trail-audit")).containsExactly("producer-first", "producer-audit-only",
						"producer-second", "kafka-class", "consumer-first", "consumer-second", "record-first",
						"record-second");
				// The interceptor's own dependency, injected like any bean's, saw both sends.
				assertThat(context.getBean(MeterRegistry.class).counter("sent.through.interceptor").count())
					.isEqualTo(2);
			});
	}

	static List<String> trail(Headers headers) {
		List<String> trail = new ArrayList<>();
		for (Header header : headers.headers("trail")) {
			trail.add(new String(header.value(), StandardCharsets.UTF_8));
		}
		return trail;
	}

	static void mark(Headers headers, String step) {
		headers.add("trail", step.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Listed in Kafka's interceptor.classes; Kafka creates it.
	 */
	public static class KafkaClassInterceptor implements ProducerInterceptor<Object, Object> {

		@Override
		public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
			mark(record.headers(), "kafka-class");
			return record;
		}

		@Override
		public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
		}

		@Override
		public void close() {
		}

		@Override
		public void configure(Map<String, ?> configs) {
		}

	}

	static class MarkingProducerInterceptor implements ProducerInterceptor<Object, Object> {

		private final String step;

		private final MeterRegistry registry;

		MarkingProducerInterceptor(String step, MeterRegistry registry) {
			this.step = step;
			this.registry = registry;
		}

		@Override
		public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
			mark(record.headers(), this.step);
			if (this.step.equals("producer-first")) {
				this.registry.counter("sent.through.interceptor").increment();
			}
			return record;
		}

		@Override
		public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
		}

		@Override
		public void close() {
		}

		@Override
		public void configure(Map<String, ?> configs) {
		}

	}

	static class MarkingConsumerInterceptor implements ConsumerInterceptor<Object, Object> {

		private final String step;

		MarkingConsumerInterceptor(String step) {
			this.step = step;
		}

		@Override
		public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
			records.forEach((record) -> mark(record.headers(), this.step));
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

	static class MarkingRecordInterceptor implements RecordInterceptor<Object, Object> {

		private final String step;

		MarkingRecordInterceptor(String step) {
			this.step = step;
		}

		@Override
		public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
				Consumer<Object, Object> consumer) {
			mark(record.headers(), this.step);
			return record;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Interceptors {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		@Order(3)
		MarkingProducerInterceptor producerSecond(MeterRegistry registry) {
			return new MarkingProducerInterceptor("producer-second", registry);
		}

		@Bean
		@Order(1)
		MarkingProducerInterceptor producerFirst(MeterRegistry registry) {
			return new MarkingProducerInterceptor("producer-first", registry);
		}

		@Bean
		@Order(2)
		@ForClients("audit")
		MarkingProducerInterceptor producerAuditOnly(MeterRegistry registry) {
			return new MarkingProducerInterceptor("producer-audit-only", registry);
		}

		@Bean
		@Order(2)
		MarkingConsumerInterceptor consumerSecond() {
			return new MarkingConsumerInterceptor("consumer-second");
		}

		@Bean
		@Order(1)
		MarkingConsumerInterceptor consumerFirst() {
			return new MarkingConsumerInterceptor("consumer-first");
		}

		@Bean
		@Order(2)
		MarkingRecordInterceptor recordSecond() {
			return new MarkingRecordInterceptor("record-second");
		}

		@Bean
		@Order(1)
		MarkingRecordInterceptor recordFirst() {
			return new MarkingRecordInterceptor("record-first");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final BlockingQueue<ConsumerRecord<String, String>> received = new LinkedBlockingQueue<>();

		@KafkaListener(topics = "trail-default")
		void onDefault(ConsumerRecord<String, String> record) {
			this.received.add(record);
		}

		@KafkaListener(topics = "trail-audit", containerFactory = "auditKafkaListenerContainerFactory")
		void onAudit(ConsumerRecord<String, String> record) {
			this.received.add(record);
		}

	}

}
