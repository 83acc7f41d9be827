package io.github.kafkastarter.autoconfigure.dedup;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code @KafkaListener} method (or a class whose {@code @KafkaListener}
 * handlers all are) as deduplicated: a record whose id the consumer group has processed
 * already is skipped, and a record's id is recorded only once the listener returned
 * normally.
 * <pre class="code">
 * &#64;KafkaListener(topics = "payments")
 * &#64;Deduplicated
 * void onPayment(Payment payment) { ... }
 * </pre>
 * The id is the record's {@code record-id} header (set by the application, or stamped by
 * the starter's producers, see {@code kafka.starter.producer.record-ids}); a record
 * without one is identified by its topic, partition and offset, which catches
 * redeliveries. The same is configured without code with
 * {@code kafka.starter.consumer.listeners.<listener-id>.deduplicate=true}.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Deduplicated {

}
