package io.github.kafkastarter.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

import io.github.kafkastarter.autoconfigure.clientmetrics.ProducerBackPressure;
import io.github.kafkastarter.autoconfigure.clientmetrics.ProducerBackPressure.Pressure;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Producer health, one entry per client whose producers are watched: the buffer memory
 * they have and have free, and a {@code warning} when sends blocked on the full buffer pool
 * or records failed within the window ({@code kafka.starter.health.producers.window}). The
 * status stays {@code UP} with that warning unless
 * {@code kafka.starter.health.producers.unhealthy-status} says otherwise. Read from the
 * producers' own metrics, in memory.
 */
final class ProducersHealthContributor implements CompositeHealthContributor {

	private final ProducerBackPressure backPressure;

	private final Function<String, KafkaHealthProperties.Producers> settings;

	private final Clock clock;

	// Bound once per client: a health call only reads memory.
	private final Map<String, KafkaHealthProperties.Producers> bound = new ConcurrentHashMap<>();

	ProducersHealthContributor(ProducerBackPressure backPressure,
			Function<String, KafkaHealthProperties.Producers> settings, Clock clock) {
		this.backPressure = backPressure;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		return this.backPressure.clients().contains(name) ? indicator(name) : null;
	}

	@Override
	public Stream<Entry> stream() {
		return new TreeSet<>(this.backPressure.clients()).stream().map((client) -> new Entry(client, indicator(client)));
	}

	private HealthIndicator indicator(String client) {
		return () -> health(client);
	}

	private Health health(String client) {
		Pressure pressure = this.backPressure.pressure(client);
		if (pressure == null) {
			return Health.unknown().build();
		}
		KafkaHealthProperties.Producers settings = this.bound.computeIfAbsent(client, this.settings);
		Instant now = this.clock.instant();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("producers", pressure.producers());
		details.put("bufferTotalBytes", (long) pressure.bufferTotalBytes());
		details.put("bufferAvailableBytes", (long) pressure.bufferAvailableBytes());
		details.put("bufferWaitSeconds", pressure.bufferWaitNanos() / 1e9);
		details.put("bufferExhausted", (long) pressure.bufferExhausted());
		details.put("recordErrors", (long) pressure.recordErrors());
		details.put("recordRetries", (long) pressure.recordRetries());
		List<String> warnings = new ArrayList<>();
		if (recent(pressure.lastBlocked(), now, settings.getWindow())) {
			details.put("lastBlocked", pressure.lastBlocked().toString());
			warnings.add("Sends blocked on a full buffer pool (buffer.memory) within the last "
					+ settings.getWindow().toSeconds() + " s: records are produced faster than the brokers take them"
					+ (pressure.bufferExhausted() > 0 ? ", and sends failed after max.block.ms" : "")
					+ ". Fix: check the brokers (slow or unreachable), raise buffer.memory, or send less.");
		}
		if (recent(pressure.lastError(), now, settings.getWindow())) {
			details.put("lastError", pressure.lastError().toString());
			warnings.add("Records failed within the last " + settings.getWindow().toSeconds()
					+ " s (kafka.starter.producer.record.errors): see the send callbacks' exceptions.");
		}
		if (warnings.isEmpty()) {
			return Health.up().withDetails(details).build();
		}
		details.put("warning", String.join(" ", warnings));
		Status status = switch (settings.getUnhealthyStatus()) {
			case UP -> Status.UP;
			case OUT_OF_SERVICE -> Status.OUT_OF_SERVICE;
			case DOWN -> Status.DOWN;
		};
		return Health.status(status).withDetails(details).build();
	}

	private static boolean recent(@Nullable Instant at, Instant now, Duration window) {
		return at != null && Duration.between(at, now).compareTo(window) <= 0;
	}

}
