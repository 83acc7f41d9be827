package io.github.kafkastarter.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard in {@code docs/dashboards} queries only metrics that the sample app
 * exposes on {@code /actuator/prometheus}, so that a renamed or removed meter breaks this test
 * rather than a user's dashboard (the same context as {@link SampleApplicationTests}). A
 * meter that only exists after an event (a failed offset commit) is made to exist by causing
 * the event, not by leaving it out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardMetricsTests {

	static final Path DASHBOARD = Path.of("..", "docs", "dashboards", "kafka-starter.json");

	// A metric name in PromQL: the starter's and Kafka's meters all start with kafka_.
	private static final Pattern METRIC = Pattern.compile("\\bkafka_[a-zA-Z0-9_]+\\b");

	@LocalServerPort
	int port;

	@Autowired
	ConsumerFactory<Object, Object> consumerFactory;

	@Test
	void everyMetricTheDashboardQueriesIsScraped() throws Exception {
		failAnOffsetCommit();
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		Set<String> queried = queriedMetrics(dashboard);
		assertThat(queried).as("metrics queried by %s", DASHBOARD)
			.contains("kafka_consumer_group_lag_offsets", "kafka_consumer_group_lag_seconds",
					"kafka_consumer_group_status", "kafka_consumer_e2e_latency_seconds_bucket",
					"kafka_listener_parallel_in_flight", "kafka_starter_producer_buffer_wait_ratio",
					"kafka_starter_rebalances_total", "kafka_starter_commit_failures_total");
		RestClient http = RestClient.create("http://localhost:" + this.port);
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			Set<String> missing = new TreeSet<>(queried);
			missing.removeAll(scrapedMetrics(http.get().uri("/actuator/prometheus").retrieve().body(String.class)));
			assertThat(missing).as("metrics the dashboard queries that /actuator/prometheus does not expose").isEmpty();
		});
	}

	/**
	 * A consumer that is not a member of a group whose member is active commits for it: the
	 * coordinator refuses (the series of {@code kafka_starter_commit_failures_total} appears
	 * at a group's first failed commit). A group of its own, so the sample's groups stay clean.
	 */
	private void failAnOffsetCommit() {
		String group = "dashboard-commit-probe";
		try (Consumer<Object, Object> member = this.consumerFactory.createConsumer(group, "probe-member");
				Consumer<Object, Object> outsider = this.consumerFactory.createConsumer(group, "probe-outsider")) {
			member.subscribe(List.of("orders.audit"));
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				member.poll(Duration.ofMillis(100));
				return !member.assignment().isEmpty();
			});
			TopicPartition partition = new TopicPartition("orders.audit", 0);
			outsider.assign(List.of(partition));
			assertThatExceptionOfType(CommitFailedException.class)
				.isThrownBy(() -> outsider.commitSync(Map.of(partition, new OffsetAndMetadata(0))));
		}
	}

	@Test
	void everyPanelHasAQueryADescriptionAndTheImportableDataSource() throws Exception {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		assertThat(dashboard.path("__inputs").get(0).path("name").asString()).isEqualTo("DS_PROMETHEUS");
		List<String> problems = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			if ("row".equals(panel.path("type").asString())) {
				continue;
			}
			String title = panel.path("title").asString();
			if (panel.path("description").asString().isBlank()) {
				problems.add(title + ": no description");
			}
			if (panel.path("targets").isEmpty()) {
				problems.add(title + ": no query");
			}
			if (!"${DS_PROMETHEUS}".equals(panel.path("datasource").path("uid").asString())) {
				problems.add(title + ": data source is not the dashboard's input");
			}
		}
		assertThat(problems).isEmpty();
	}

	static Set<String> queriedMetrics(JsonNode dashboard) {
		Set<String> names = new TreeSet<>();
		for (JsonNode panel : dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				addMetrics(target.path("expr").asString(), names);
			}
		}
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			addMetrics(variable.path("query").path("query").asString(), names);
		}
		return names;
	}

	private static void addMetrics(String promQl, Set<String> names) {
		Matcher matcher = METRIC.matcher(promQl);
		while (matcher.find()) {
			names.add(matcher.group());
		}
	}

	static Set<String> scrapedMetrics(String scrape) {
		Set<String> names = new TreeSet<>();
		for (String line : scrape.split("\n")) {
			if (line.startsWith("kafka_")) {
				int end = 0;
				while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
					end++;
				}
				names.add(line.substring(0, end));
			}
		}
		return names;
	}

}
