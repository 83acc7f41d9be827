package io.github.kafkastarter.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.WebApps.Response;
import io.github.kafkastarter.autoconfigure.support.WebApps;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console page and the endpoint operations it reads, over HTTP on a real broker:
 * lag history, topics, records read and sent. One application serves the tests of this
 * class; the page itself is tested in a browser by the sample app.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaConsoleWebIntegrationTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private ConfigurableApplicationContext app;

	private RestClient http;

	@BeforeAll
	void startApplication() {
		this.app = WebApps.start(new Class<?>[] { App.class }, TestBrokers.sharedServersProperty(),
				"spring.kafka.consumer.auto-offset-reset=earliest",
				"management.endpoints.web.exposure.include=kafka", "management.endpoint.kafka.access=unrestricted",
				"kafka.starter.console.records=true", "kafka.starter.lag.interval=200ms");
		this.http = WebApps.http(this.app);
	}

	@AfterAll
	void stopApplication() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void thePageIsServedWithItsAssetsAndWhereTheEndpointIs() {
		Response redirect = get("/kafka-console");
		assertThat(redirect.status()).isEqualTo(302);
		Response page = get("/kafka-console/");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("<script type=\"module\" src=\"console.js\"></script>");
		assertThat(get("/kafka-console/config.json").body()).isEqualTo("{\"endpoint\":\"../actuator/kafka\"}");
		assertThat(get("/kafka-console/console.js").status()).isEqualTo(200);
		assertThat(get("/kafka-console/console.css").status()).isEqualTo(200);
		assertThat(get("/kafka-console/lib/uplot/uPlot.iife.min.js").status()).isEqualTo(200);
		assertThat(get("/kafka-console/lib/uplot/uPlot.min.css").status()).isEqualTo(200);
		assertThat(get("/kafka-console/no-such-asset.js").status()).isEqualTo(404);
	}

	@Test
	void lagHistoryGrowsWithEachRefresh() {
		await().atMost(PATIENCE).untilAsserted(() -> {
			var history = get("/actuator/kafka/lag-history/default").json();
			List<String> times = history.read("$[*].refreshedAt");
			assertThat(times).hasSizeGreaterThanOrEqualTo(3);
			assertThat(times).isSortedAccordingTo((a, b) -> Instant.parse(a).compareTo(Instant.parse(b)));
			assertThat(history.<List<String>>read("$[-1].groups[*].groupId")).contains("console-group");
			// Totals only: the history does not grow with the partition count.
			assertThat(history.<List<Object>>read("$[-1].groups[*].partitions[*]")).isEmpty();
		});
		assertThat(get("/actuator/kafka/lag-history/no-such-client").status()).isEqualTo(404);
	}

	@Test
	void topicsShowPartitionsLeadersReplicasAndOffsets() {
		KafkaTemplate<String, String> template = this.app.getBean(KafkaTemplate.class);
		template.send("console-topic", 1, "k", "v").join();
		var cluster = get("/actuator/kafka/topics/default").json();
		assertThat(cluster.<String>read("$.clusterId")).isNotBlank();
		assertThat(cluster.<List<String>>read("$.brokers")).isNotEmpty();
		assertThat(cluster.<List<Integer>>read("$.topics[?(@.name == 'console-topic')].partitions[*].partition"))
			.containsExactly(0, 1);
		assertThat(cluster.<List<Object>>read("$.topics[?(@.name == 'console-topic')].partitions[1].leader"))
			.isNotEmpty();
		assertThat(cluster.<List<Integer>>read("$.topics[?(@.name == 'console-topic')].partitions[1].endOffset"))
			.allSatisfy((offset) -> assertThat(offset).isGreaterThanOrEqualTo(1));
		assertThat(cluster.<List<String>>read("$.topics[*].name")).doesNotContain("__consumer_offsets");
	}

	@Test
	void aRecordSentIsReadBackWithItsKeyValueAndHeaders() {
		Response sent = WebApps.exchange(this.http, "POST", "/actuator/kafka/records/default/console-records",
				Map.of("key", "order-1", "value", "{\"item\":\"tea\"}", "headers", "source: console\ntrace: 42",
						"partition", "0"));
		assertThat(sent.status()).isEqualTo(200);
		int offset = sent.json().<Integer>read("$.offset");
		assertThat(sent.json().<Integer>read("$.partition")).isZero();
		var read = get("/actuator/kafka/records/default/console-records/0?limit=5").json();
		assertThat(read.<List<Integer>>read("$.records[*].offset")).contains(offset);
		assertThat(read.<List<String>>read("$.records[?(@.offset == " + offset + ")].key")).containsExactly("order-1");
		assertThat(read.<List<String>>read("$.records[?(@.offset == " + offset + ")].value"))
			.containsExactly("{\"item\":\"tea\"}");
		assertThat(read.<List<String>>read("$.records[?(@.offset == " + offset + ")].headers.source"))
			.containsExactly("console");
		assertThat(read.<List<String>>read("$.records[?(@.offset == " + offset + ")].headers.trace"))
			.containsExactly("42");
		// Newest first.
		List<Integer> offsets = read.read("$.records[*].offset");
		assertThat(offsets).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.app.getBean(Listeners.class).received).contains("{\"item\":\"tea\"}"));
	}

	@Test
	void unknownViewsAndClientsAreNotFound() {
		assertThat(get("/actuator/kafka/no-such-view/default").status()).isEqualTo(404);
		assertThat(get("/actuator/kafka/topics/no-such-client").status()).isEqualTo(404);
		assertThat(get("/actuator/kafka/records/no-such-client/console-records/0").status()).isEqualTo(404);
	}

	private Response get(String path) {
		return WebApps.exchange(this.http, "GET", path, null);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

		@Bean
		NewTopic consoleTopic() {
			return new NewTopic("console-topic", 2, (short) 1);
		}

		@Bean
		NewTopic consoleRecords() {
			return new NewTopic("console-records", 1, (short) 1);
		}

	}

	static class Listeners {

		final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();

		@KafkaListener(id = "console-listener", topics = "console-records", groupId = "console-group")
		void receive(ConsumerRecord<String, String> record) {
			this.received.add(String.valueOf(record.value()));
		}

	}

}
