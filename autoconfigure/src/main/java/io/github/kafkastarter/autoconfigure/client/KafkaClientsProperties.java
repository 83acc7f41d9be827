package io.github.kafkastarter.autoconfigure.client;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Named Kafka clients.
 */
@ConfigurationProperties("kafka.starter")
public class KafkaClientsProperties {

	/**
	 * Named Kafka clients, by name (a lowercase letter, then letters and digits). Each
	 * takes the shape of spring.kafka (bootstrap-servers, client-id, producer, consumer,
	 * admin, listener, template, security, ssl, properties) and inherits every spring.kafka
	 * value it does not set. Client 'analytics' gets the beans analyticsProducerFactory,
	 * analyticsConsumerFactory, analyticsKafkaTemplate,
	 * analyticsKafkaListenerContainerFactory and analyticsKafkaAdmin. Without
	 * bootstrap-servers of its own, a client connects where the default client does.
	 */
	private final Map<String, KafkaProperties> clients = new LinkedHashMap<>();

	public Map<String, KafkaProperties> getClients() {
		return this.clients;
	}

}
