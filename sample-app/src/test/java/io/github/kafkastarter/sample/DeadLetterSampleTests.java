package io.github.kafkastarter.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An order the shop cannot ship fails in the listener, is not retried, and lands in the
 * dead-letter topic with the reason, where the sample's dead-letter listener reads it; so
 * does a record that is not an order at all, which the dead-letter listener reads as bytes
 * instead of failing on it in turn.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.demo-orders=false")
class DeadLetterSampleTests {

	@LocalServerPort
	int port;

	@Autowired
	RoundTrips roundTrips;

	@Autowired
	KafkaConnectionDetails connectionDetails;

	@Test
	void anOrderThatCannotBeShippedEndsInTheDeadLetterTopicWithTheReason() {
		RestClient http = RestClient.create("http://localhost:" + this.port);
		ResponseEntity<Map<String, Object>> accepted = http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("customerId", "dave", "item", "anvil", "quantity", 500))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(accepted.getStatusCode().value()).isEqualTo(202);
		String orderId = (String) accepted.getBody().get("orderId");
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(this.roundTrips.deadLetters()).anySatisfy((dead) -> {
				assertThat(dead.orderId()).isEqualTo(orderId);
				assertThat(dead.reason()).contains("at most 100 can be shipped");
			}));
		assertThat(this.roundTrips.recent()).noneMatch((trip) -> trip.orderId().equals(orderId));
	}

	@Test
	void aRecordThatIsNotAnOrderShowsInTheDeadLettersAndGoesNoFurther() throws Exception {
		String garbage = "not an order " + UUID.randomUUID();
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			producer.send(new ProducerRecord<>(Topics.ORDERS, "mallory".getBytes(StandardCharsets.UTF_8),
					garbage.getBytes(StandardCharsets.UTF_8)))
				.get(30, TimeUnit.SECONDS);
		}
		RestClient http = RestClient.create("http://localhost:" + this.port);
		// Both groups that read orders (the order listener's and the parallel enrichment's)
		// give up on it: two dead letters, both shown.
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			List<Map<String, Object>> deadLetters = http.get()
				.uri("/orders/dead-letters")
				.retrieve()
				.body(new ParameterizedTypeReference<>() {
				});
			assertThat(deadLetters).filteredOn((dead) -> garbage.equals(dead.get("value")))
				.hasSize(2)
				.allSatisfy((dead) -> {
					assertThat(dead.get("orderId")).isNull();
					assertThat((String) dead.get("source")).startsWith(Topics.ORDERS + "-");
					assertThat((String) dead.get("reason")).isNotBlank();
				})
				.extracting((dead) -> dead.get("group"))
				.containsExactlyInAnyOrder("order-service", "enrichment");
		});
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
			assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(Topics.DEAD_ORDERS)
				.doesNotContain(Topics.DEAD_ORDERS + ".DLT");
		}
	}

	private String bootstrapServers() {
		return String.join(",", this.connectionDetails.getBootstrapServers());
	}

}
