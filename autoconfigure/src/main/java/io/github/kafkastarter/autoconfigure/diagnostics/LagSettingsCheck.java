package io.github.kafkastarter.autoconfigure.diagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.Bindable;

/**
 * Lag monitor settings that cannot work: a refresh interval or timeout that is not positive
 * (the scheduler rejects it, or every refresh fails at once), a status window too short to
 * show a trend, a negative lagging threshold. Checked under {@code kafka.starter.lag} and
 * under every named client's {@code lag}.
 */
final class LagSettingsCheck implements ConfigurationCheck {

	@Override
	public void check(ConfigurationCheckContext context) {
		for (String prefix : prefixes(context)) {
			String interval = prefix + ".interval";
			context.bind(interval, Bindable.of(Duration.class)).ifPresent((value) -> {
				if (value.isZero() || value.isNegative()) {
					throw new KafkaStarterConfigurationException(interval, value,
							"The lag monitor refreshes at this interval; it must be positive.",
							"Set '" + interval + "' to a duration such as 10s, or turn lag monitoring off with '"
									+ prefix + ".enabled=false'.");
				}
			});
			String timeout = prefix + ".timeout";
			context.bind(timeout, Bindable.of(Duration.class)).ifPresent((value) -> {
				if (value.isZero() || value.isNegative()) {
					throw new KafkaStarterConfigurationException(timeout, value,
							"A lag refresh is given this long to finish; with no time at all every refresh fails.",
							"Set '" + timeout + "' to a duration such as 5s, shorter than the interval.");
				}
			});
			String window = prefix + ".window";
			context.bind(window, Bindable.of(Integer.class)).ifPresent((value) -> {
				if (value < 2) {
					throw new KafkaStarterConfigurationException(window, value,
							"The status compares the refreshes of its window; fewer than 2 cannot show whether lag "
									+ "grows or the committed offset moves.",
							"Set '" + window + "' to 2 or more, for example 6 (one minute at the default interval).");
				}
			});
			String threshold = prefix + ".lagging-threshold";
			context.bind(threshold, Bindable.of(Long.class)).ifPresent((value) -> {
				if (value < 0) {
					throw new KafkaStarterConfigurationException(threshold, value,
							"An offset lag threshold cannot be negative.",
							"Set '" + threshold + "' to 0 or more, for example 1000.");
				}
			});
		}
	}

	private static List<String> prefixes(ConfigurationCheckContext context) {
		List<String> prefixes = new ArrayList<>();
		prefixes.add("kafka.starter.lag");
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			if (!client.prefix().equals("spring.kafka")) {
				prefixes.add(client.property("lag"));
			}
		}
		return prefixes;
	}

}
