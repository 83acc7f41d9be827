package io.github.kafkastarter.autoconfigure.diagnostics;

import org.springframework.boot.context.properties.bind.Bindable;

/**
 * Properties the starter no longer has, set to a value the application relies on: Spring
 * would ignore them and the application would silently lose what they did.
 * {@code observation.enabled} (default and per client) went because Spring Boot's
 * {@code template.observation-enabled} and {@code listener.observation-enabled} do the same,
 * and every named client inherits them.
 */
final class RemovedPropertiesCheck implements ConfigurationCheck {

	@Override
	public void check(ConfigurationCheckContext context) {
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			boolean isDefault = client.prefix().equals("spring.kafka");
			String property = (isDefault ? "kafka.starter" : client.prefix()) + ".observation.enabled";
			if (context.bind(property, Bindable.of(Boolean.class)).orElse(false)) {
				String prefix = client.prefix();
				throw new KafkaStarterConfigurationException(property, true,
						"This property was removed: Spring Boot's template.observation-enabled and "
								+ "listener.observation-enabled do the same"
								+ (isDefault ? ", and every named client inherits them." : " for this client."),
						"Set '" + prefix + ".template.observation-enabled=true' and '" + prefix
								+ ".listener.observation-enabled=true', and remove '" + property + "'.");
			}
		}
	}

}
