package io.github.kafkastarter.autoconfigure.diagnostics;

/**
 * One start-up check of the Kafka configuration. Throws
 * {@link KafkaStarterConfigurationException} naming the property and the fix.
 */
@FunctionalInterface
interface ConfigurationCheck {

	void check(ConfigurationCheckContext context);

}
