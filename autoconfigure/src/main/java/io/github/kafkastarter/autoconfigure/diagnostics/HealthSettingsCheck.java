package io.github.kafkastarter.autoconfigure.diagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.kafkastarter.autoconfigure.health.BrokerHealthMode;
import io.github.kafkastarter.autoconfigure.health.LagHealthStatus;

import org.springframework.boot.context.properties.bind.Bindable;

/**
 * Kafka health and endpoint settings that cannot work: a broker check interval or timeout
 * that is not positive (the scheduler rejects it, or every check fails at once), negative
 * lag thresholds, an unknown broker health mode or lag status, and an endpoint timeout
 * that is not positive. Checked for all clients
 * ({@code kafka.starter.health.*}) and for each named client's overrides
 * ({@code kafka.starter.clients.<name>.health.*}).
 */
final class HealthSettingsCheck implements ConfigurationCheck {

	@Override
	public void check(ConfigurationCheckContext context) {
		List<String> prefixes = new ArrayList<>();
		prefixes.add("kafka.starter.health");
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			if (!"default".equals(client.name())) {
				prefixes.add(client.property("health"));
			}
		}
		for (String prefix : prefixes) {
			positive(context, prefix + ".broker.interval", "how often the brokers are checked",
					"for example '" + prefix + ".broker.interval=10s'");
			positive(context, prefix + ".broker.timeout", "how long a broker check waits",
					"no longer than the interval, for example '" + prefix + ".broker.timeout=5s'");
			notNegative(context, prefix + ".lag.max-offsets", "an offset lag limit");
			notNegative(context, prefix + ".lag.max-seconds", "a time lag limit in seconds");
			notNegative(context, prefix + ".lag.worst-partitions", "how many partitions the details list");
			// Bound here, before any bean, so that an unknown value is reported with the
			// valid ones by Spring Boot's binder.
			context.bind(prefix + ".broker.mode", Bindable.of(BrokerHealthMode.class));
			context.bind(prefix + ".lag.unhealthy-status", Bindable.of(LagHealthStatus.class));
		}
		positive(context, "kafka.starter.endpoint.timeout", "how long the kafka endpoint waits for the brokers",
				"for example 'kafka.starter.endpoint.timeout=5s'");
	}

	private static void positive(ConfigurationCheckContext context, String property, String meaning,
			String example) {
		context.bind(property, Bindable.of(Duration.class)).ifPresent((duration) -> {
			if (duration.isZero() || duration.isNegative()) {
				throw new KafkaStarterConfigurationException(property, duration,
						"'" + property + "' is " + meaning + " and must be positive.",
						"Set a positive duration, " + example + ", or remove it for the default.");
			}
		});
	}

	private static void notNegative(ConfigurationCheckContext context, String property, String meaning) {
		context.bind(property, Bindable.of(Long.class)).ifPresent((value) -> {
			if (value < 0) {
				throw new KafkaStarterConfigurationException(property, value,
						"'" + property + "' is " + meaning + " and cannot be negative.",
						"Set it to 0 or more, or remove it.");
			}
		});
	}

}
