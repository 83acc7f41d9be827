package io.github.kafkastarter.autoconfigure.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits a bean to some Kafka clients. Without it, an interceptor bean
 * ({@code ProducerInterceptor}, {@code ConsumerInterceptor}, {@code RecordInterceptor},
 * {@code BatchInterceptor}) or {@code Partitioner} bean applies to every client, and a
 * {@code NewTopic} bean is
 * created on the default client only.
 * <p>
 * Put it on the bean's class or on its {@code @Bean} method:
 * <pre class="code">
 * &#64;Bean
 * &#64;ForClients({"default", "audit"})
 * ProducerInterceptor&lt;Object, Object&gt; auditStamp() { ... }
 * </pre>
 * The default client, Spring Boot's own {@code spring.kafka} beans, is called
 * {@value KafkaClients#DEFAULT_CLIENT}; a named client is called by its key under
 * {@code kafka.starter.clients}.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ForClients {

	/**
	 * The names of the clients the bean applies to.
	 * @return client names; {@code "default"} for Spring Boot's client
	 */
	String[] value();

}
