package io.github.kafkastarter.autoconfigure.client;

import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Shapes the Kafka infrastructure of every client, the default one and every named one,
 * knowing which client it is shaping. Every bean of this type is applied, in
 * {@code @Order}, to each producer factory, consumer factory, listener container factory,
 * template and admin in the context, whether Spring Boot, the starter or the application
 * declared it.
 * <p>
 * Spring Boot's {@code DefaultKafkaProducerFactoryCustomizer} and
 * {@code DefaultKafkaConsumerFactoryCustomizer} keep their meaning: they apply to the
 * default client only.
 */
public interface KafkaClientCustomizer {

	/**
	 * Customize a producer factory before its first producer is created.
	 * @param client the client the factory belongs to
	 * @param factory the factory
	 */
	default void customizeProducerFactory(KafkaClient client, DefaultKafkaProducerFactory<?, ?> factory) {
	}

	/**
	 * Customize a consumer factory before its first consumer is created.
	 * @param client the client the factory belongs to
	 * @param factory the factory
	 */
	default void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
	}

	/**
	 * Customize a listener container factory before it creates containers.
	 * @param client the client the factory belongs to, judged by its consumer factory
	 * @param factory the factory
	 */
	default void customizeListenerContainerFactory(KafkaClient client,
			ConcurrentKafkaListenerContainerFactory<?, ?> factory) {
	}

	/**
	 * Customize a listener container as a listener container factory bean creates it, once
	 * the factory is done with it: after its listener is set up, the factory's
	 * {@code ContainerCustomizer} and the listener's {@code ContainerPostProcessor}.
	 * {@code container.getListenerId()} tells which listener it runs;
	 * {@link ListenerEndpoints} tells its listener method and annotations.
	 * @param client the client of the factory that created the container
	 * @param container the container, not yet started
	 */
	default void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
	}

	/**
	 * Customize a template.
	 * @param client the client the template belongs to, judged by its producer factory
	 * @param template the template
	 */
	default void customizeTemplate(KafkaClient client, KafkaTemplate<?, ?> template) {
	}

	/**
	 * Customize an admin.
	 * @param client the client the admin belongs to
	 * @param admin the admin
	 */
	default void customizeAdmin(KafkaClient client, KafkaAdmin admin) {
	}

}
