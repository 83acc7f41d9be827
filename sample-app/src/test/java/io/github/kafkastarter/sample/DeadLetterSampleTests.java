package io.github.kafkastarter.sample;

import java.time.Duration;
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
 * An order the shop cannot ship fails in the listener, is not retried, and lands in the
 * dead-letter topic with the reason, where the sample's dead-letter listener reads it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.demo-orders=false")
class DeadLetterSampleTests {

	@LocalServerPort
	int port;

	@Autowired
	RoundTrips roundTrips;

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

}
