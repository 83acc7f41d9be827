package io.github.kafkastarter.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lag, latency and client metrics of both clients show on the actuator endpoints, from
 * the demo orders alone (the same context as {@link SampleApplicationTests}; nothing is sent
 * here).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleMetricsTests {

	@LocalServerPort
	int port;

	@Test
	void lagLatencyAndClientMetricsOfBothClientsAreScraped() {
		RestClient http = RestClient.create("http://localhost:" + this.port);
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			String scrape = http.get().uri("/actuator/prometheus").retrieve().body(String.class);
			assertThat(scrape).contains(
					"kafka_consumer_lag_offsets{client=\"default\",group=\"order-service\",partition=\"0\",topic=\"orders\"}",
					"kafka_consumer_lag_seconds{client=\"default\",group=\"order-service\",partition=\"0\",topic=\"orders\"}",
					"kafka_consumer_group_lag_offsets{client=\"audit\",group=\"audit-log\"}",
					"kafka_consumer_group_status{client=\"default\",group=\"order-service\",status=\"OK\"}",
					"kafka_consumer_e2e_latency_seconds_count{client=\"default\",group=\"order-service\",topic=\"orders\"}",
					"kafka_consumer_e2e_latency_seconds_bucket{client=\"audit\",group=\"audit-log\",topic=\"orders.audit\",le=\"1.0\"}",
					"kafka_consumer_fetch_manager_records_consumed_total{client=\"audit\"",
					"kafka_producer_record_send_total{client=\"default\"",
					"kafka_consumer_lag_snapshot_age_seconds{client=\"audit\"}");
		});
		String metrics = http.get().uri("/actuator/metrics").retrieve().body(String.class);
		assertThat(metrics).contains("kafka.consumer.lag.offsets", "kafka.consumer.lag.seconds",
				"kafka.consumer.group.lag.offsets", "kafka.consumer.group.lag.seconds", "kafka.consumer.group.status",
				"kafka.consumer.e2e.latency");
		String latency = http.get()
			.uri("/actuator/metrics/kafka.consumer.e2e.latency?tag=client:default")
			.retrieve()
			.body(String.class);
		assertThat(latency).contains("\"COUNT\"").contains("order-service").contains("orders");
	}

}
