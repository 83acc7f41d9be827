package io.github.kafkastarter.autoconfigure.client;

import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * One Kafka client setup: the default client (Spring Boot's {@code spring.kafka} beans) or
 * a named client ({@code kafka.starter.clients.<name>}). Gives its effective properties,
 * its connection and its beans, looked up when first asked for.
 */
public final class KafkaClient {

	private final String name;

	private final KafkaProperties properties;

	private final SingletonSupplier<KafkaConnectionDetails> connectionDetails;

	private final ListableBeanFactory beanFactory;

	private final Binder binder;

	KafkaClient(String name, KafkaProperties properties, Supplier<KafkaConnectionDetails> connectionDetails,
			ListableBeanFactory beanFactory, Binder binder) {
		this.name = name;
		this.properties = properties;
		this.connectionDetails = SingletonSupplier.of(connectionDetails);
		this.beanFactory = beanFactory;
		this.binder = binder;
	}

	/**
	 * The client's name: {@value KafkaClients#DEFAULT_CLIENT} or the key under
	 * {@code kafka.starter.clients}.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Whether this is Spring Boot's default client.
	 * @return {@code true} for the default client
	 */
	public boolean isDefault() {
		return KafkaClients.DEFAULT_CLIENT.equals(this.name);
	}

	/**
	 * The effective {@code spring.kafka}-shaped properties: for a named client, every
	 * {@code spring.kafka} value with the client's own values on top.
	 * @return the properties
	 */
	public KafkaProperties properties() {
		return this.properties;
	}

	/**
	 * Where the client connects: its own servers, or the default client's connection
	 * (configured servers, a service connection or the dev broker).
	 * @return the connection details
	 */
	public KafkaConnectionDetails connectionDetails() {
		return this.connectionDetails.obtain();
	}

	/**
	 * The bootstrap servers the client's producers use.
	 * @return the servers, {@code host:port} each
	 */
	public List<String> bootstrapServers() {
		return connectionDetails().getProducer().getBootstrapServers();
	}

	/**
	 * Binds one of the starter's settings for this client: the value under
	 * {@code kafka.starter.<path>} (which applies to every client), with the client's own
	 * value under {@code kafka.starter.clients.<name>.<path>} on top. For example
	 * {@code settings("producer", ProducerSettings.class)} reads
	 * {@code kafka.starter.producer.*}, then {@code kafka.starter.clients.audit.producer.*}.
	 * @param path the path below {@code kafka.starter}
	 * @param type the settings type, a JavaBean with a default constructor
	 * @param <T> the settings type
	 * @return the effective settings, never {@code null}
	 */
	public <T> T settings(String path, Class<T> type) {
		T settings = this.binder.bind("kafka.starter." + path, Bindable.of(type))
			.orElseGet(() -> BeanUtils.instantiateClass(type));
		if (!isDefault()) {
			this.binder.bind(ConfigurationPropertyName.adapt(KafkaClientNames.prefix(this.name) + "." + path, '.'),
					Bindable.ofInstance(settings));
		}
		return settings;
	}

	/**
	 * The name of one of this client's beans; for a named client {@code analytics} and the
	 * suffix {@code KafkaTemplate}, {@code analyticsKafkaTemplate}.
	 * @param suffix the bean's role, for example {@code ProducerFactory}
	 * @return the bean name
	 */
	public String beanName(String suffix) {
		return isDefault() ? defaultBeanName(suffix) : this.name + suffix;
	}

	@SuppressWarnings("unchecked")
	public <K, V> KafkaTemplate<K, V> template() {
		return bean("KafkaTemplate", KafkaTemplate.class);
	}

	@SuppressWarnings("unchecked")
	public <K, V> ProducerFactory<K, V> producerFactory() {
		return bean("ProducerFactory", ProducerFactory.class);
	}

	@SuppressWarnings("unchecked")
	public <K, V> ConsumerFactory<K, V> consumerFactory() {
		return bean("ConsumerFactory", ConsumerFactory.class);
	}

	@SuppressWarnings("unchecked")
	public <K, V> ConcurrentKafkaListenerContainerFactory<K, V> listenerContainerFactory() {
		return bean("KafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class);
	}

	public KafkaAdmin admin() {
		return bean("KafkaAdmin", KafkaAdmin.class);
	}

	private <T> T bean(String suffix, Class<T> type) {
		String beanName = beanName(suffix);
		if (this.beanFactory.containsBean(beanName)) {
			return this.beanFactory.getBean(beanName, type);
		}
		if (isDefault()) {
			// The application replaced Boot's bean under another name.
			T unique = this.beanFactory.getBeanProvider(type).getIfUnique();
			if (unique != null) {
				return unique;
			}
		}
		throw new IllegalStateException("Kafka client '" + this.name + "' has no bean '" + beanName + "' of type "
				+ type.getSimpleName());
	}

	private static String defaultBeanName(String suffix) {
		return switch (suffix) {
			case "KafkaTemplate" -> "kafkaTemplate";
			case "ProducerFactory" -> "kafkaProducerFactory";
			case "ConsumerFactory" -> "kafkaConsumerFactory";
			case "KafkaListenerContainerFactory" -> "kafkaListenerContainerFactory";
			case "KafkaAdmin" -> "kafkaAdmin";
			case "KafkaTransactionManager" -> "kafkaTransactionManager";
			default -> "kafka" + suffix;
		};
	}

	@Override
	public String toString() {
		return "KafkaClient[" + this.name + "]";
	}

}
