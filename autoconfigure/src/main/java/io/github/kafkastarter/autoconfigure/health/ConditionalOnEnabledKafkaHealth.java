package io.github.kafkastarter.autoconfigure.health;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when one Kafka health indicator is enabled, by Spring Boot's convention:
 * {@code management.health.kafka-<indicator>.enabled}, else
 * {@code management.health.kafka.enabled} (all Kafka indicators), else
 * {@code management.health.defaults.enabled}, else {@code true}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnEnabledKafkaHealthCondition.class)
@interface ConditionalOnEnabledKafkaHealth {

	/**
	 * The indicator: {@code brokers}, {@code listeners}, {@code lag} or {@code producers}.
	 * @return the indicator
	 */
	String value();

}
