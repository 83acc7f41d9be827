package io.github.kafkastarter.autoconfigure.latency;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The end-to-end latency timers of one client, one per group and topic, created once and
 * shared by all the client's consumers. Handed to {@link EndToEndLatencyInterceptor} through
 * the consumer configuration.
 */
final class EndToEndLatencyMeters {

	static final String NAME = "kafka.consumer.e2e.latency";

	private final MeterRegistry registry;

	private final String client;

	private final EndToEndLatencyProperties distribution;

	private final Map<GroupTopic, Timer> timers = new ConcurrentHashMap<>();

	EndToEndLatencyMeters(MeterRegistry registry, String client, EndToEndLatencyProperties distribution) {
		this.registry = registry;
		this.client = client;
		this.distribution = distribution;
	}

	Timer timer(String group, String topic) {
		return this.timers.computeIfAbsent(new GroupTopic(group, topic), this::register);
	}

	private Timer register(GroupTopic key) {
		Timer.Builder builder = Timer.builder(NAME)
			.description("Time from a record's timestamp to its receipt by a consumer of the application")
			.tags("client", this.client, "group", key.group(), "topic", key.topic())
			.publishPercentileHistogram(this.distribution.isPercentilesHistogram());
		if (!this.distribution.getPercentiles().isEmpty()) {
			builder.publishPercentiles(
					this.distribution.getPercentiles().stream().mapToDouble(Double::doubleValue).toArray());
		}
		if (!this.distribution.getSlo().isEmpty()) {
			builder.serviceLevelObjectives(this.distribution.getSlo().toArray(Duration[]::new));
		}
		if (this.distribution.getMinimumExpectedValue() != null) {
			builder.minimumExpectedValue(this.distribution.getMinimumExpectedValue());
		}
		if (this.distribution.getMaximumExpectedValue() != null) {
			builder.maximumExpectedValue(this.distribution.getMaximumExpectedValue());
		}
		return builder.register(this.registry);
	}

	@Override
	public String toString() {
		// Kafka may log its configuration: name it, never dump the registry.
		return "EndToEndLatencyMeters[" + this.client + "]";
	}

	private record GroupTopic(String group, String topic) {
	}

}
