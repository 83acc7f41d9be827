package io.github.kafkastarter.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import io.github.kafkastarter.autoconfigure.lag.LagMonitorRegistry;
import io.github.kafkastarter.autoconfigure.lag.LagSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A normal start of the sample, as a newcomer runs it, prints no warning and no error: up to
 * the demo orders' round trips, their audit copies, their enrichment and fulfillment, and a
 * lag refresh after all of that. The only warning allowed says that the cluster cannot honour
 * {@code acks=all}, which is true of a single broker.
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleStartupLogTests {

	private static final Pattern WARNING = Pattern.compile("\\s(WARN|ERROR)\\s+\\d+\\s+---");

	@Test
	void aNormalStartPrintsNoWarningButTheDurabilityOne(CapturedOutput output) {
		// Its own context, started here: a cached one would have logged before the capture.
		try (ConfigurableApplicationContext app = SpringApplication.run(SampleApplication.class,
				"--server.port=0")) {
			RoundTrips roundTrips = app.getBean(RoundTrips.class);
			FulfillmentWorkers fulfillment = app.getBean(FulfillmentWorkers.class);
			EnrichmentListener enrichment = app.getBean(EnrichmentListener.class);
			await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
				List<RoundTrips.RoundTrip> trips = roundTrips.recent();
				assertThat(trips).hasSize(4).allSatisfy((trip) -> {
					assertThat(trip.audited()).isTrue();
					assertThat(fulfillment.fulfilled(trip.orderId())).isTrue();
				});
				assertThat(enrichment.enriched()).isEqualTo(4);
			});
			Instant done = Instant.now();
			LagMonitorRegistry lag = app.getBean(LagMonitorRegistry.class);
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				LagSnapshot snapshot = lag.forClient("default").orElseThrow().snapshot();
				assertThat(snapshot.refreshedAt()).isAfter(done);
				assertThat(snapshot.groups()).isNotEmpty();
			});
			List<String> warnings = output.getAll()
				.lines()
				.filter((line) -> WARNING.matcher(line).find())
				.filter((line) -> !line.contains("cannot honour"))
				.toList();
			assertThat(warnings).isEmpty();
		}
	}

}
