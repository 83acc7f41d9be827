package io.github.kafkastarter.autoconfigure.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.StringUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * One Kafka client setup: the default client (Spring Boot's {@code spring.kafka} beans) or
 * a named client ({@code kafka.starter.clients.<name>}). Gives its effective properties,
 * its connection and its beans, looked up when first asked for, and the one {@link Admin}
 * that every feature of the starter shares for the client.
 */
public final class KafkaClient {

	private static final Logger logger = LoggerFactory.getLogger(KafkaClient.class);

	private final String name;

	private final KafkaProperties properties;

	private final SingletonSupplier<KafkaConnectionDetails> connectionDetails;

	private final ListableBeanFactory beanFactory;

	private final Binder binder;

	private final Object adminLock = new Object();

	private @Nullable Admin sharedAdmin;

	private boolean closed;

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
	 * The configuration of a producer of this client, built as Spring Boot builds its
	 * producer factory's: the effective {@code producer} properties, then the connection
	 * (servers, security protocol, SSL bundle). A new map at each call.
	 * @return the configuration
	 */
	public Map<String, Object> buildProducerConfig() {
		return connect(this.properties.buildProducerProperties(), connectionDetails().getProducer());
	}

	/**
	 * The configuration of a consumer of this client, built as Spring Boot builds its
	 * consumer factory's. A new map at each call.
	 * @return the configuration
	 */
	public Map<String, Object> buildConsumerConfig() {
		return connect(this.properties.buildConsumerProperties(), connectionDetails().getConsumer());
	}

	/**
	 * The configuration of an admin of this client, built as Spring Boot builds its
	 * {@code KafkaAdmin}'s. A new map at each call.
	 * @return the configuration
	 * @see #adminConfig()
	 */
	public Map<String, Object> buildAdminConfig() {
		return connect(this.properties.buildAdminProperties(), connectionDetails().getAdmin());
	}

	private static Map<String, Object> connect(Map<String, Object> configs,
			KafkaConnectionDetails.Configuration connection) {
		Map<String, Object> connected = new HashMap<>(configs);
		connected.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.getBootstrapServers());
		if (StringUtils.hasLength(connection.getSecurityProtocol())) {
			connected.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, connection.getSecurityProtocol());
		}
		SslBundle bundle = connection.getSslBundle();
		if (bundle != null) {
			connected.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslBundleSslEngineFactory.class);
			connected.put(SslBundle.class.getName(), bundle);
		}
		return connected;
	}

	/**
	 * The configuration the client's admins use: its {@code KafkaAdmin}'s, which the
	 * application may have shaped or replaced, or, when it has none,
	 * {@link #buildAdminConfig()}.
	 * @return the configuration, a new map
	 */
	public Map<String, Object> adminConfig() {
		try {
			return new HashMap<>(admin().getConfigurationProperties());
		}
		catch (IllegalStateException ex) {
			return buildAdminConfig();
		}
	}

	/**
	 * The client's one long-lived {@link Admin}, which every feature of the starter shares
	 * (lag, health, the actuator endpoint, dead letters, share groups...): created on first
	 * use from {@link #adminConfig()}, with the client id {@code clientId("admin")}, and
	 * closed when the application context closes. Do not close it; bound each call with
	 * its options' {@code timeoutMs} rather than with a client of your own.
	 * @return the admin
	 * @throws IllegalStateException once the application context closed
	 */
	public Admin sharedAdmin() {
		Admin admin = openAdmin();
		if (admin != null) {
			return admin;
		}
		// Looked up outside the lock: the bean factory has locks of its own.
		Map<String, Object> configs = adminConfig();
		configs.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId("admin"));
		synchronized (this.adminLock) {
			admin = openAdmin();
			if (admin == null) {
				admin = Admin.create(configs);
				this.sharedAdmin = admin;
			}
			return admin;
		}
	}

	private @Nullable Admin openAdmin() {
		synchronized (this.adminLock) {
			if (this.closed) {
				throw new IllegalStateException("Kafka client '" + this.name + "' is closed");
			}
			return this.sharedAdmin;
		}
	}

	/**
	 * A client id for one of the starter's own Kafka clients working for this client, so
	 * broker logs and quotas can tell them apart: the client's {@code client-id}, else the
	 * application name, else {@code kafka-starter}; then the role and, where the first
	 * part does not say so already, the client name ({@code shop-admin-default},
	 * {@code audit-lag}).
	 * @param role what the Kafka client does, for example {@code admin}
	 * @return the client id
	 */
	public String clientId(String role) {
		String base = this.properties.getClientId();
		if (!StringUtils.hasText(base)) {
			base = this.binder.bind("spring.application.name", String.class).orElse(null);
		}
		if (!StringUtils.hasText(base)) {
			base = "kafka-starter";
		}
		return base.equals(this.name) ? base + "-" + role : base + "-" + role + "-" + this.name;
	}

	/**
	 * Closes the shared admin, for good: pending calls fail at once.
	 */
	void close() {
		Admin admin;
		synchronized (this.adminLock) {
			this.closed = true;
			admin = this.sharedAdmin;
			this.sharedAdmin = null;
		}
		if (admin != null) {
			try {
				admin.close(Duration.ZERO);
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the admin of Kafka client '{}' failed", this.name, ex);
			}
		}
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
