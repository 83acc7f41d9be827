package io.github.kafkastarter.autoconfigure.client;

import java.util.Set;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when at least one client is declared under {@code kafka.starter.clients}.
 */
class OnNamedClientsCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Set<String> names = KafkaClientNames.declared(Binder.get(context.getEnvironment()));
		return names.isEmpty() ? ConditionOutcome.noMatch("no named Kafka clients")
				: ConditionOutcome.match("named Kafka clients " + names);
	}

}
