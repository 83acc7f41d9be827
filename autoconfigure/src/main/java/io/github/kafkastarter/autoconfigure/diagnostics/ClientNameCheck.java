package io.github.kafkastarter.autoconfigure.diagnostics;

import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;

/**
 * A named client's key must be usable as a bean-name prefix.
 */
final class ClientNameCheck implements ConfigurationCheck {

	@Override
	public void check(ConfigurationCheckContext context) {
		for (ConfigurationCheckContext.ClientPrefix client : context.clients()) {
			if (!client.prefix().equals("spring.kafka") && !KafkaClientNames.isValid(client.name())) {
				throw KafkaClientNames.invalidName(client.name());
			}
		}
	}

}
