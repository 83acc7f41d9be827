package io.github.kafkastarter.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a newcomer runs it: no configuration, the dev broker, an order posted over
 * HTTP that comes back through the listener and is audited on the named client.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	@LocalServerPort
	int port;

	@Autowired
	RoundTrips roundTrips;

	@Autowired
	CountingInterceptor counting;

	@Autowired
	EnrichmentListener enrichment;

	@Autowired
	FulfillmentWorkers fulfillment;

	@Test
	void anOrderPostedOverHttpMakesTheRoundTripAndIsAudited() {
		RestClient http = RestClient.create("http://localhost:" + this.port);
		ResponseEntity<Map<String, Object>> accepted = http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("customerId", "carol", "item", "kettle", "quantity", 1, "urgent", true))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(accepted.getStatusCode().value()).isEqualTo(202);
		String orderId = (String) accepted.getBody().get("orderId");
		assertThat(accepted.getBody()).containsEntry("topic", "orders.urgent");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.roundTrips.recent())
				.anySatisfy((trip) -> assertThat(trip).satisfies((t) -> {
					assertThat(t.orderId()).isEqualTo(orderId);
					assertThat(t.customerId()).isEqualTo("carol");
					assertThat(t.audited()).isTrue();
				})));
		// Enriched on the parallel listener, then fulfilled by the share group.
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(this.fulfillment.fulfilled(orderId)).isTrue());
		// The interceptor bean saw the four demo orders and this one, each sent three times
		// (order, audit copy, fulfillment job) and read by three groups and the share group.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(this.counting.sentCount()).isEqualTo(15);
			assertThat(this.enrichment.enriched()).isEqualTo(5);
		});
	}

	@Test
	void anInvalidOrderIsRejected() {
		RestClient http = RestClient.create("http://localhost:" + this.port);
		int status = http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("customerId", "", "item", "kettle", "quantity", 0))
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(status).isEqualTo(400);
	}

	@Test
	@SuppressWarnings("unchecked")
	void theProbesAndTheKafkaEndpointAnswer() {
		RestClient http = RestClient.create("http://localhost:" + this.port);
		// Readiness waits for the first broker check of each client.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(status(http, "/actuator/health/liveness")).isEqualTo(200);
			assertThat(status(http, "/actuator/health/readiness")).isEqualTo(200);
		});
		Map<String, Object> liveness = get(http, "/actuator/health/liveness");
		assertThat(liveness).containsEntry("status", "UP");
		Map<String, Object> health = get(http, "/actuator/health");
		assertThat(health).extractingByKey("components")
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsKeys("kafka", "kafkaListeners");
		Map<String, Object> kafka = get(http, "/actuator/kafka");
		assertThat(kafka).extractingByKey("clients")
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsKeys("default", "audit");
		List<Map<String, Object>> containers = (List<Map<String, Object>>) kafka.get("containers");
		assertThat(containers).extracting((container) -> container.get("id")).contains("orders", "audit");
	}

	private static int status(RestClient http, String path) {
		return http.get().uri(path).exchange((request, response) -> response.getStatusCode().value());
	}

	private static Map<String, Object> get(RestClient http, String path) {
		return http.get().uri(path).retrieve().body(new ParameterizedTypeReference<>() {
		});
	}

}
