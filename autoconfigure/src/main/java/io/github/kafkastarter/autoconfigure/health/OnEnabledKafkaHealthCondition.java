package io.github.kafkastarter.autoconfigure.health;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Spring Boot's health indicator switch, with one more level: the indicator's own key,
 * then the key for all Kafka indicators, then Boot's default for all indicators.
 */
class OnEnabledKafkaHealthCondition extends SpringBootCondition {

	static final String ALL_KAFKA = "management.health.kafka.enabled";

	private static final String DEFAULTS = "management.health.defaults.enabled";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		MergedAnnotation<ConditionalOnEnabledKafkaHealth> annotation = metadata.getAnnotations()
			.get(ConditionalOnEnabledKafkaHealth.class);
		String indicator = annotation.getString(MergedAnnotation.VALUE);
		Environment environment = context.getEnvironment();
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnEnabledKafkaHealth.class,
				indicator);
		for (String property : new String[] { property(indicator), ALL_KAFKA, DEFAULTS }) {
			if (environment.containsProperty(property)) {
				boolean match = environment.getProperty(property, Boolean.class, true);
				return new ConditionOutcome(match, message.because(property + " is " + match));
			}
		}
		return ConditionOutcome.match(message.because("no property switches it off"));
	}

	static String property(String indicator) {
		return "management.health.kafka-" + indicator + ".enabled";
	}

}
