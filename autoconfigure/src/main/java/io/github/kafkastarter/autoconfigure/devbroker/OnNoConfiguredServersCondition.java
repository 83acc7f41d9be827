package io.github.kafkastarter.autoconfigure.devbroker;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the default client has no bootstrap servers configured, in any form Boot
 * reads them from.
 */
class OnNoConfiguredServersCondition extends SpringBootCondition {

	private static final List<String> PROPERTIES = List.of("spring.kafka.bootstrap-servers",
			"spring.kafka.producer.bootstrap-servers", "spring.kafka.consumer.bootstrap-servers",
			"spring.kafka.streams.bootstrap-servers");

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		for (String property : PROPERTIES) {
			if (binder.bind(property, Bindable.listOf(String.class)).isBound()) {
				return ConditionOutcome.noMatch(property + " is configured");
			}
		}
		return ConditionOutcome.match("no spring.kafka bootstrap servers are configured");
	}

}
