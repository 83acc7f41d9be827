package io.github.kafkastarter.autoconfigure.parallel;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.kafkastarter.autoconfigure.parallel.ParallelProperties.ParallelListenerSettings;

/**
 * Makes a {@code @KafkaListener} record listener process records in parallel, beyond its
 * partitions, while keeping records of the same key in order:
 * <pre class="code">
 * &#64;KafkaListener(id = "enrichment", topics = "orders")
 * &#64;ParallelListener(concurrency = 64)
 * void enrich(Order order) { ... }   // an HTTP call, a database write...
 * </pre>
 * The listener needs an {@code id}: the same settings can be given, or overridden, under
 * {@code kafka.starter.parallel.listeners.<id>.*}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ParallelListener {

	/**
	 * Which records must be processed one after the other.
	 * @return the ordering
	 */
	Ordering ordering() default Ordering.KEY;

	/**
	 * How many records may be processed at once.
	 * @return the concurrency
	 */
	int concurrency() default ParallelListenerSettings.DEFAULT_CONCURRENCY;

	/**
	 * How many records may be held in memory, from fetch until committable; {@code 0} for
	 * 32 times the concurrency.
	 * @return the limit
	 */
	int maxInFlight() default 0;

	/**
	 * Which records of a parallel listener must be processed one after the other.
	 */
	enum Ordering {

		/**
		 * Records with the same key (in the same partition) are processed in offset order,
		 * different keys in parallel. Records without a key have no order among themselves.
		 */
		KEY,

		/**
		 * Records of the same partition are processed in offset order: a plain listener's
		 * behaviour. The listener is left as it is.
		 */
		PARTITION,

		/**
		 * No order: every record may run beside any other.
		 */
		UNORDERED

	}

}
