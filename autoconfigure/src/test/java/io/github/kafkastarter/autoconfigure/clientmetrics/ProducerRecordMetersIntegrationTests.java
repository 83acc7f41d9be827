package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.client.ForClients;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Record sizes, records larger than batch.size and partition skew on a real broker: a
 * Partitioner bean scoped to one client sends all its records to one partition of three,
 * and that client's skew gauge says 3; the other client, partitioning by key hash, stays
 * near 1.
 */
class ProducerRecordMetersIntegrationTests {

	private static final int BATCH_SIZE = 16_384;

	@Test
	void aHotPartitionShowsAsSkewAndRecordSizesAndOversizedRecordsAreCounted() {
		String servers = TestBrokers.shared().getBrokersAsString();
		KafkaTopics.create(servers, "skew-even", 3, 1, Map.of());
		KafkaTopics.create(servers, "skew-hot", 3, 1, Map.of());
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
					AutoConfigs.INTERCEPTORS, ClientMetricsAutoConfiguration.class))
			.withUserConfiguration(HotPartition.class)
			.withBean(PrometheusMeterRegistry.class, () -> registry)
			// The test closes the window itself.
			.withPropertyValues("spring.kafka.bootstrap-servers=" + servers, "kafka.starter.clients.hot.client-id=hot",
					"kafka.starter.client-metrics.skew-window=1h", "kafka.starter.client-metrics.record-sizes=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaClients clients = context.getBean(KafkaClients.class);
				KafkaTemplate<String, String> even = clients.getDefault().template();
				KafkaTemplate<String, String> hot = clients.get("hot").template();
				int[] hotPartitions = new int[3];
				for (int i = 0; i < 60; i++) {
					even.send("skew-even", "key-" + i, "v");
					SendResult<String, String> sent = hot.send("skew-hot", "key-" + i, "v").get(30, TimeUnit.SECONDS);
					hotPartitions[sent.getRecordMetadata().partition()]++;
				}
				// One record of its own batch: larger than batch.size.
				even.send("skew-even", "big", "x".repeat(BATCH_SIZE + 1)).get(30, TimeUnit.SECONDS);
				assertThat(hotPartitions).containsExactly(60, 0, 0);

				context.getBean(ProducerSkewWindows.class).roll();
				double hotSkew = registry.get(ProducerRecordMeters.SKEW).tags("client", "hot", "topic", "skew-hot")
					.gauge()
					.value();
				double evenSkew = registry.get(ProducerRecordMeters.SKEW)
					.tags("client", "default", "topic", "skew-even")
					.gauge()
					.value();
				assertThat(hotSkew).isEqualTo(3.0);
				assertThat(evenSkew).isBetween(1.0, 2.0);

				DistributionSummary sizes = registry.get(ProducerRecordMeters.RECORD_SIZE)
					.tags("client", "default", "topic", "skew-even")
					.summary();
				assertThat(sizes.count()).isEqualTo(61);
				assertThat(sizes.max()).isEqualTo("big".length() + BATCH_SIZE + 1);
				assertThat(registry.get(ProducerRecordMeters.OVERSIZED).tags("client", "default", "topic", "skew-even")
					.counter()
					.count()).isEqualTo(1);
				assertThat(registry.get(ProducerRecordMeters.OVERSIZED).tags("client", "hot", "topic", "skew-hot")
					.counter()
					.count()).isZero();

				// Once a window passes with nothing sent, the skew says so.
				context.getBean(ProducerSkewWindows.class).roll();
				assertThat(registry.get(ProducerRecordMeters.SKEW).tags("client", "hot").gauge().value()).isZero();

				String scrape = registry.scrape();
				System.out.printf("SKEW hot partitioner %.2f, key hash %.2f; sizes count %d max %.0f bytes; "
						+ "scrape:%n%s%n", hotSkew, evenSkew, sizes.count(), sizes.max(),
						scrape.lines()
							.filter((line) -> line.startsWith("kafka_starter_producer") && line.contains("default"))
							.reduce("", (a, b) -> a + b + "\n"));
				assertThat(scrape).contains("kafka_starter_producer_record_size_bytes_count{client=\"default\",topic=\"skew-even\"} 61",
						"kafka_starter_producer_records_oversized_total{client=\"default\",topic=\"skew-even\"} 1.0",
						"kafka_starter_producer_buffer_available_bytes{client=\"hot\"}",
						"kafka_starter_producer_buffer_wait_seconds_total{client=\"default\"}");
			});
		registry.close();
	}

	@Test
	void recordSizesAreOptInAndSkewCanBeSwitchedOffWhileTheOversizedCounterStays() {
		String servers = TestBrokers.shared().getBrokersAsString();
		MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
					ClientMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, () -> registry)
			.withPropertyValues("spring.kafka.bootstrap-servers=" + servers,
					"kafka.starter.client-metrics.partition-skew=false")
			.run((context) -> {
				KafkaTemplate<String, String> template = context.getBean(KafkaClients.class).getDefault().template();
				template.send("sizes-off", "k", "x".repeat(BATCH_SIZE + 1)).get(30, TimeUnit.SECONDS);
				assertThat(registry.find(ProducerRecordMeters.RECORD_SIZE).meters()).isEmpty();
				assertThat(registry.find(ProducerRecordMeters.SKEW).meters()).isEmpty();
				assertThat(registry.get(ProducerRecordMeters.OVERSIZED).tags("topic", "sizes-off").counter().count())
					.isEqualTo(1);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class HotPartition {

		@Bean
		@ForClients("hot")
		Partitioner hotPartition() {
			return new Partitioner() {

				@Override
				public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes,
						Cluster cluster) {
					return 0;
				}

				@Override
				public void configure(Map<String, ?> configs) {
				}

				@Override
				public void close() {
				}

			};
		}

	}

}
