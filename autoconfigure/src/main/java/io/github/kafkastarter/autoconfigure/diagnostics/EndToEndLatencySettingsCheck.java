package io.github.kafkastarter.autoconfigure.diagnostics;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.bind.Bindable;

/**
 * End-to-end latency timer settings that Micrometer would reject when the first consumer
 * is created: percentiles outside 0 to 1, service level objectives that are not positive.
 */
final class EndToEndLatencySettingsCheck implements ConfigurationCheck {

	private static final String PERCENTILES = "kafka.starter.e2e.percentiles";

	private static final String SLO = "kafka.starter.e2e.slo";

	@Override
	public void check(ConfigurationCheckContext context) {
		context.bind(PERCENTILES, Bindable.listOf(Double.class)).ifPresent((percentiles) -> {
			for (Double percentile : percentiles) {
				if (percentile == null || percentile < 0 || percentile > 1) {
					throw new KafkaStarterConfigurationException(PERCENTILES, percentile,
							"Percentiles are fractions between 0 and 1.",
							"Write them as fractions, for example '" + PERCENTILES + "=0.5,0.95,0.99'.");
				}
			}
		});
		context.bind(SLO, Bindable.listOf(Duration.class)).ifPresent((objectives) -> {
			for (Duration objective : objectives) {
				if (objective == null || objective.isZero() || objective.isNegative()) {
					throw new KafkaStarterConfigurationException(SLO, objective,
							"Service level objectives are latencies to count records below; they must be positive.",
							"List positive durations, for example '" + SLO + "=100ms,1s,10s'.");
				}
			}
		});
	}

}
