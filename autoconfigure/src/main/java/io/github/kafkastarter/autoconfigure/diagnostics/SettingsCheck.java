package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.List;

import io.github.kafkastarter.autoconfigure.actuate.KafkaConsoleProperties;
import io.github.kafkastarter.autoconfigure.actuate.KafkaEndpointProperties;
import io.github.kafkastarter.autoconfigure.clientmetrics.ClientMetricsProperties;
import io.github.kafkastarter.autoconfigure.consumer.ConsumerReliabilityProperties;
import io.github.kafkastarter.autoconfigure.dedup.DeduplicationProperties;
import io.github.kafkastarter.autoconfigure.dedup.RecordIdProperties;
import io.github.kafkastarter.autoconfigure.devbroker.DevBrokerProperties;
import io.github.kafkastarter.autoconfigure.groupactivity.GroupActivityProperties;
import io.github.kafkastarter.autoconfigure.health.KafkaHealthProperties;
import io.github.kafkastarter.autoconfigure.lag.LagProperties;
import io.github.kafkastarter.autoconfigure.latency.EndToEndLatencyProperties;
import io.github.kafkastarter.autoconfigure.producer.ProducerReliabilityProperties;

import org.springframework.boot.context.properties.bind.Bindable;

/**
 * The starter's own settings, bound from {@code kafka.starter.*} and, for the settings a
 * named client overrides, from {@code kafka.starter.clients.<name>.*}: Spring Boot's
 * binder reports values that do not convert, and each {@link ValidatedSettings} class
 * reports its values that cannot work.
 */
final class SettingsCheck implements ConfigurationCheck {

	private static final List<Settings> SETTINGS = List.of(new Settings("dev-broker", DevBrokerProperties.class, false),
			new Settings("lag", LagProperties.class, true), new Settings("e2e", EndToEndLatencyProperties.class, true),
			new Settings("health", KafkaHealthProperties.class, true),
			new Settings("client-metrics", ClientMetricsProperties.class, true),
			new Settings("missing-topics", MissingTopicsProperties.class, true),
			new Settings("endpoint", KafkaEndpointProperties.class, false),
			new Settings("console", KafkaConsoleProperties.class, false),
			new Settings("producer", ProducerReliabilityProperties.class, true),
			new Settings("producer", RecordIdProperties.class, true),
			new Settings("consumer", ConsumerReliabilityProperties.class, true),
			new Settings("deduplication", DeduplicationProperties.class, false),
			new Settings("group-activity", GroupActivityProperties.class, false));

	@Override
	public void check(ConfigurationCheckContext context) {
		for (Settings settings : SETTINGS) {
			settings.check(context, "kafka.starter." + settings.path());
			if (settings.perClient()) {
				for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
					if (!"default".equals(client.name())) {
						settings.check(context, client.property(settings.path()));
					}
				}
			}
		}
	}

	/**
	 * One settings class and where it is read from.
	 * @param path its path under {@code kafka.starter} (and under a named client's prefix)
	 * @param type the class
	 * @param perClient whether named clients override it
	 */
	record Settings(String path, Class<?> type, boolean perClient) {

		void check(ConfigurationCheckContext context, String prefix) {
			context.bind(prefix, Bindable.of(this.type)).ifPresent((bound) -> {
				if (bound instanceof ValidatedSettings validated) {
					validated.validate(prefix);
				}
			});
		}

	}

}
