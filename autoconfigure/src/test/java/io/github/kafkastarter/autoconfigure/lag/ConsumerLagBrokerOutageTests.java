package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.lag.LagSnapshot.LagStatus;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.TestKafka;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the broker down, refreshes time out in the background while the snapshot and the
 * gauges keep their last values and a scrape takes no longer than with the broker up.
 */
class ConsumerLagBrokerOutageTests {

	@Test
	void brokerDownMakesTheSnapshotStaleWhileGaugesKeepTheirValuesAndScrapesDoNotWait() throws Exception {
		// One offsets partition: the broker starts, and restarts, faster.
		TestKafka broker = TestBrokers.start(1, Map.of("offsets.topic.num.partitions", "1"));
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		try (LagTestKafka kafka = new LagTestKafka(broker.getBrokersAsString())) {
			kafka.createTopic("outage", 2);
			kafka.send("outage", 0, 5);
			kafka.send("outage", 1, 3);
			kafka.commit("outage-external",
					Map.of(new TopicPartition("outage", 0), 2L, new TopicPartition("outage", 1), 3L));
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
						AutoConfigs.CLIENTS, ConsumerLagAutoConfiguration.class,
						ConsumerLagMetricsAutoConfiguration.class))
				.withBean(PrometheusMeterRegistry.class, () -> registry)
				.withPropertyValues("spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
						"kafka.starter.lag.groups=outage-external", "kafka.starter.lag.interval=250ms",
						"kafka.starter.lag.timeout=1s", "kafka.starter.lag.window=3")
				.run((context) -> {
					ClientLagMonitor monitor = context.getBean(LagMonitorRegistry.class)
						.forClient("default")
						.orElseThrow();
					ConsumerLagIntegrationTests.awaitGroup(monitor, "outage-external",
							(group) -> group.offsetLag() == 3 && group.status() == LagStatus.STALLED);
					String scrape = registry.scrape();
					assertThat(scrape).contains(
							"kafka_consumer_lag_offsets{client=\"default\",group=\"outage-external\",partition=\"0\",topic=\"outage\"} 3.0",
							"kafka_consumer_group_lag_offsets{client=\"default\",group=\"outage-external\"} 3.0",
							"kafka_consumer_group_status{client=\"default\",group=\"outage-external\",status=\"STALLED\"} 1.0",
							"kafka_consumer_group_status{client=\"default\",group=\"outage-external\",status=\"OK\"} 0.0",
							"kafka_consumer_lag_seconds{client=\"default\",group=\"outage-external\",partition=\"0\",topic=\"outage\"}",
							"kafka_consumer_lag_snapshot_age_seconds{client=\"default\"}");
					long up = medianScrapeNanos(registry);

					broker.getCluster().brokers().values().forEach((server) -> {
						server.shutdown();
						server.awaitShutdown();
					});
					await().atMost(Duration.ofSeconds(60)).until(() -> monitor.snapshot().stale());
					LagSnapshot stale = monitor.snapshot();
					assertThat(stale.lastError()).contains("Timed out after 1000 ms");
					assertThat(stale.groups()).singleElement()
						.satisfies((group) -> assertThat(group.offsetLag()).isEqualTo(3));
					// Most of the time a refresh is now waiting out its timeout; scrapes do not.
					long down = medianScrapeNanos(registry);
					assertThat(registry.get("kafka.consumer.lag.offsets")
						.tags("group", "outage-external", "partition", "0")
						.gauge()
						.value()).isEqualTo(3.0);
					assertThat(registry.get("kafka.consumer.group.lag.offsets").gauge().value()).isEqualTo(3.0);
					assertThat(registry.get("kafka.consumer.lag.snapshot.age").gauge().value()).isPositive();
					assertThat(down).as("median scrape with the broker down (%d ns) against up (%d ns)", down, up)
						.isLessThanOrEqualTo(2 * up + Duration.ofMillis(5).toNanos());

					broker.getCluster().brokers().values().forEach((server) -> server.startup());
					await().atMost(Duration.ofSeconds(60)).until(() -> !monitor.snapshot().stale());
					assertThat(monitor.snapshot().lastError()).isNull();
				});
		}
		finally {
			broker.destroy();
			registry.close();
		}
	}

	private static long medianScrapeNanos(PrometheusMeterRegistry registry) {
		long[] samples = new long[31];
		for (int i = 0; i < samples.length; i++) {
			long start = System.nanoTime();
			registry.scrape();
			samples[i] = System.nanoTime() - start;
		}
		Arrays.sort(samples);
		return samples[samples.length / 2];
	}

}
