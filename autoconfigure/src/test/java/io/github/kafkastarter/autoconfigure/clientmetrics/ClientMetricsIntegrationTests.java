package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end latency and Kafka's client metrics on a real broker, for the default client and
 * a named one, scraped by Prometheus.
 */
class ClientMetricsIntegrationTests {

	@Test
	void everyRecordOfRecordAndBatchListenersOfEveryClientIsTimedAndEverythingScrapes() {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaMetricsAutoConfiguration.class, KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, ClientMetricsAutoConfiguration.class,
					AutoConfigs.LATENCY, AutoConfigs.LAG, AutoConfigs.LAG_METRICS))
			.withUserConfiguration(Listeners.class)
			.withBean(PrometheusMeterRegistry.class, () -> registry)
			.withPropertyValues(TestBrokers.sharedServersProperty(), "spring.kafka.consumer.auto-offset-reset=earliest",
					"kafka.starter.clients.audit.client-id=audit", "kafka.starter.lag.interval=250ms",
					"kafka.starter.e2e.slo=1s,120s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaClients clients = context.getBean(KafkaClients.class);
				KafkaTemplate<String, String> main = clients.getDefault().template();
				KafkaTemplate<String, String> audit = clients.get("audit").template();
				// Records created five seconds ago: their latency is at least that.
				long fiveSecondsAgo = System.currentTimeMillis() - 5_000;
				for (int i = 0; i < 3; i++) {
					main.send(new ProducerRecord<>("e2e-record", 0, fiveSecondsAgo, "k", "v"));
					main.send(new ProducerRecord<>("e2e-batch", 0, fiveSecondsAgo, "k", "v"));
					audit.send(new ProducerRecord<>("e2e-audit", 0, fiveSecondsAgo, "k", "v"));
				}
				main.flush();
				audit.flush();
				Listeners listeners = context.getBean(Listeners.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> listeners.received.get() == 9);

				assertLatency(registry, "default", "e2e-record", "e2e-record");
				assertLatency(registry, "default", "e2e-batch", "e2e-batch");
				assertLatency(registry, "audit", "e2e-audit", "e2e-audit");

				// Kafka's own metrics of both clients, tagged with the client: one tag-key set
				// per meter name, so Prometheus takes them all.
				for (String client : List.of("default", "audit")) {
					assertThat(registry.find("kafka.producer.record.send.total").tag("client", client).meters())
						.isNotEmpty();
					assertThat(registry.find("kafka.consumer.fetch.manager.records.consumed.total")
						.tag("client", client)
						.meters()).isNotEmpty();
				}
				assertThat(registry.getMeters()).filteredOn((meter) -> meter.getId().getName().startsWith("kafka."))
					.allSatisfy((meter) -> assertThat(meter.getId().getTag("client")).as(meter.getId().toString())
						.isNotNull());
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(registry.scrape()).contains(
							"kafka_consumer_e2e_latency_seconds_count{client=\"audit\",group=\"e2e-audit\",topic=\"e2e-audit\"} 3",
							"kafka_consumer_e2e_latency_seconds_bucket{client=\"default\",group=\"e2e-record\",topic=\"e2e-record\",le=\"120.0\"} 3",
							"kafka_producer_record_send_total{client=\"audit\"",
							"kafka_consumer_fetch_manager_records_consumed_total{client=\"default\"",
							"kafka_consumer_group_status{client=\"audit\",group=\"e2e-audit\",status=\"OK\"} 1.0",
							"kafka_consumer_lag_offsets{client=\"default\",group=\"e2e-batch\",partition=\"0\",topic=\"e2e-batch\"} 0.0"));
			});
		registry.close();
	}

	private static void assertLatency(MeterRegistry registry, String client, String group, String topic) {
		Timer timer = registry.get("kafka.consumer.e2e.latency")
			.tags("client", client, "group", group, "topic", topic)
			.timer();
		assertThat(timer.count()).isEqualTo(3);
		assertThat(timer.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(5_000);
		assertThat(registry.get("kafka.consumer.e2e.latency").timers()).extracting(Meter::getId)
			.allSatisfy((id) -> assertThat(id.getTags()).extracting("key").containsExactly("client", "group", "topic"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final AtomicInteger received = new AtomicInteger();

		@KafkaListener(id = "e2e-record", topics = "e2e-record")
		void onRecord(String value) {
			this.received.incrementAndGet();
		}

		@KafkaListener(id = "e2e-batch", topics = "e2e-batch", batch = "true")
		void onBatch(List<String> values) {
			this.received.addAndGet(values.size());
		}

		@KafkaListener(id = "e2e-audit", topics = "e2e-audit", containerFactory = "auditKafkaListenerContainerFactory")
		void onAudit(String value) {
			this.received.incrementAndGet();
		}

	}

}
