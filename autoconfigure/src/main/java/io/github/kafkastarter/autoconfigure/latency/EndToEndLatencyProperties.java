package io.github.kafkastarter.autoconfigure.latency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The end-to-end latency timer, {@code kafka.consumer.e2e.latency}: how old each record is
 * when a consumer of the application receives it.
 */
@ConfigurationProperties("kafka.starter.e2e")
public class EndToEndLatencyProperties implements ValidatedSettings {

	/**
	 * Whether to time every record every client's consumers receive (now minus the record's
	 * timestamp), as kafka.consumer.e2e.latency tagged client, group and topic. A named
	 * client can be left out with kafka.starter.clients.<name>.e2e.enabled=false; the
	 * distribution settings below apply to every client alike (Prometheus needs one shape
	 * per meter name).
	 */
	private boolean enabled = true;

	/**
	 * Whether to publish a percentile histogram (for example Prometheus buckets, for
	 * histogram_quantile and aggregation across instances).
	 */
	private boolean percentilesHistogram;

	/**
	 * Percentiles to compute in the application, for example 0.5, 0.99 (cannot be
	 * aggregated across instances).
	 */
	private List<Double> percentiles = new ArrayList<>();

	/**
	 * Service level objectives: latency boundaries to count records below, for example
	 * 100ms, 1s, 10s.
	 */
	private List<Duration> slo = new ArrayList<>();

	/**
	 * The smallest latency the histogram buckets start at (Micrometer's default when
	 * unset).
	 */
	private @Nullable Duration minimumExpectedValue;

	/**
	 * The largest latency the histogram buckets reach. Records of a backlog can be minutes
	 * old; raise it when that matters (Micrometer's default, 30s, when unset).
	 */
	private @Nullable Duration maximumExpectedValue;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isPercentilesHistogram() {
		return this.percentilesHistogram;
	}

	public void setPercentilesHistogram(boolean percentilesHistogram) {
		this.percentilesHistogram = percentilesHistogram;
	}

	public List<Double> getPercentiles() {
		return this.percentiles;
	}

	public void setPercentiles(List<Double> percentiles) {
		this.percentiles = percentiles;
	}

	public List<Duration> getSlo() {
		return this.slo;
	}

	public void setSlo(List<Duration> slo) {
		this.slo = slo;
	}

	public @Nullable Duration getMinimumExpectedValue() {
		return this.minimumExpectedValue;
	}

	public void setMinimumExpectedValue(@Nullable Duration minimumExpectedValue) {
		this.minimumExpectedValue = minimumExpectedValue;
	}

	public @Nullable Duration getMaximumExpectedValue() {
		return this.maximumExpectedValue;
	}

	public void setMaximumExpectedValue(@Nullable Duration maximumExpectedValue) {
		this.maximumExpectedValue = maximumExpectedValue;
	}

	@Override
	public void validate(String prefix) {
		for (Double percentile : this.percentiles) {
			ValidatedSettings.require(percentile != null && percentile >= 0 && percentile <= 1,
					prefix + ".percentiles", percentile, "Percentiles are fractions between 0 and 1.",
					"Write them as fractions, for example '" + prefix + ".percentiles=0.5,0.95,0.99'.");
		}
		for (Duration objective : this.slo) {
			ValidatedSettings.require(objective != null && ValidatedSettings.positiveOrUnset(objective),
					prefix + ".slo", objective,
					"Service level objectives are latencies to count records below; they must be positive.",
					"List positive durations, for example '" + prefix + ".slo=100ms,1s,10s'.");
		}
	}

}
