package io.github.kafkastarter.autoconfigure.parity;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.ApplicationContext;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.MethodKafkaListenerEndpoint;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.retrytopic.DestinationTopic;
import org.springframework.kafka.retrytopic.RetryTopicConfiguration;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;
import org.springframework.util.ClassUtils;

/**
 * The effective configuration of Spring Boot's Kafka beans in a context, flattened into
 * {@code path -> value} pairs so that two contexts can be compared entry by entry: what
 * each bean's public getters say (Kafka client configuration maps, container properties,
 * template settings, the retry topic configuration, the streams configuration, the JAAS
 * entry), and whether the configuration maps are still ones Kafka accepts. Values are
 * rendered as text; objects without a value of their own are rendered by their class,
 * because two contexts never share instances.
 */
final class KafkaBeanSnapshot {

	/** The {@code @KafkaListener}-like endpoint every snapshot creates a container for. */
	static final String LISTENER_ID = "parity-listener";

	static final String LISTENER_TOPIC = "parity-topic";

	// Runtime state, not configuration: identical for two containers that never started.
	private static final Set<String> CONTAINER_STATE = Set.of("running", "childRunning", "inExpectedState",
			"pauseRequested", "containerPaused", "assignedPartitions", "assignmentsByClientId", "containers",
			"listenerInfo", "beanName", "applicationEventPublisher", "applicationContext");

	private final Map<String, String> entries = new TreeMap<>();

	private KafkaBeanSnapshot() {
	}

	static Map<String, String> of(ApplicationContext context) {
		KafkaBeanSnapshot snapshot = new KafkaBeanSnapshot();
		snapshot.take(context);
		return snapshot.entries;
	}

	private void take(ApplicationContext context) {
		// Boot's beans, by Boot's names: what the application had before adding the starter.
		connectionDetails(context);
		if (context.containsBean("kafkaProducerFactory")) {
			producerFactory(context.getBean("kafkaProducerFactory", DefaultKafkaProducerFactory.class));
		}
		if (context.containsBean("kafkaConsumerFactory")) {
			consumerFactory(context.getBean("kafkaConsumerFactory", DefaultKafkaConsumerFactory.class));
		}
		if (context.containsBean("kafkaAdmin")) {
			admin(context.getBean("kafkaAdmin", KafkaAdmin.class));
		}
		if (context.containsBean("kafkaTemplate")) {
			template(context, context.getBean("kafkaTemplate", KafkaTemplate.class));
		}
		if (context.containsBean("kafkaTransactionManager")) {
			transactionManager(context, context.getBean("kafkaTransactionManager", KafkaTransactionManager.class));
		}
		if (context.containsBean("kafkaListenerContainerFactory")) {
			listenerContainerFactory(context,
					context.getBean("kafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class));
		}
		if (context.containsBean("kafkaRetryTopicConfiguration")) {
			retryTopic(context.getBean("kafkaRetryTopicConfiguration", RetryTopicConfiguration.class));
		}
		if (context.containsBean("kafkaJaasInitializer")) {
			jaas();
		}
		if (context.containsBean(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)) {
			streams(context);
		}
	}

	private void connectionDetails(ApplicationContext context) {
		KafkaConnectionDetails details = context.getBean(KafkaConnectionDetails.class);
		put("connectionDetails.bootstrapServers", details.getBootstrapServers());
		connection("producer", details.getProducer());
		connection("consumer", details.getConsumer());
		connection("admin", details.getAdmin());
		connection("streams", details.getStreams());
	}

	private void connection(String client, KafkaConnectionDetails.Configuration configuration) {
		String prefix = "connectionDetails." + client + ".";
		put(prefix + "bootstrapServers", configuration.getBootstrapServers());
		put(prefix + "securityProtocol", configuration.getSecurityProtocol());
		put(prefix + "sslBundle", configuration.getSslBundle());
	}

	private void producerFactory(DefaultKafkaProducerFactory<?, ?> factory) {
		Map<String, Object> configs = factory.getConfigurationProperties();
		config("producerFactory", configs);
		accepted("producerFactory", () -> new ProducerConfig(configs));
		put("producerFactory.transactionIdPrefix", factory.getTransactionIdPrefix());
		put("producerFactory.keySerializer", factory.getKeySerializer());
		put("producerFactory.valueSerializer", factory.getValueSerializer());
		put("producerFactory.listeners", factory.getListeners());
		put("producerFactory.postProcessors", factory.getPostProcessors());
		put("producerFactory.physicalCloseTimeout", factory.getPhysicalCloseTimeout());
		put("producerFactory.producerPerThread", factory.isProducerPerThread());
		put("producerFactory.configureSerializers", factory.isConfigureSerializers());
	}

	private void consumerFactory(DefaultKafkaConsumerFactory<?, ?> factory) {
		Map<String, Object> configs = factory.getConfigurationProperties();
		config("consumerFactory", configs);
		accepted("consumerFactory", () -> new ConsumerConfig(configs));
		put("consumerFactory.keyDeserializer", factory.getKeyDeserializer());
		put("consumerFactory.valueDeserializer", factory.getValueDeserializer());
		put("consumerFactory.listeners", factory.getListeners());
		put("consumerFactory.postProcessors", factory.getPostProcessors());
	}

	private void admin(KafkaAdmin admin) {
		Map<String, Object> configs = admin.getConfigurationProperties();
		config("kafkaAdmin", configs);
		accepted("kafkaAdmin", () -> new AdminClientConfig(configs));
		put("kafkaAdmin.operationTimeout", admin.getOperationTimeout());
	}

	private void template(ApplicationContext context, KafkaTemplate<?, ?> template) {
		put("kafkaTemplate.defaultTopic", template.getDefaultTopic());
		put("kafkaTemplate.transactionIdPrefix", template.getTransactionIdPrefix());
		put("kafkaTemplate.transactional", template.isTransactional());
		put("kafkaTemplate.allowNonTransactional", template.isAllowNonTransactional());
		put("kafkaTemplate.messageConverter", template.getMessageConverter());
		put("kafkaTemplate.micrometerTagsProvider", template.getMicrometerTagsProvider());
		put("kafkaTemplate.producerFactory", beanNameOf(context, template.getProducerFactory()));
	}

	private void transactionManager(ApplicationContext context, KafkaTransactionManager<?, ?> manager) {
		put("kafkaTransactionManager.producerFactory", beanNameOf(context, manager.getProducerFactory()));
		put("kafkaTransactionManager.transactionSynchronization", manager.getTransactionSynchronization());
		put("kafkaTransactionManager.defaultTimeout", manager.getDefaultTimeout());
	}

	private void listenerContainerFactory(ApplicationContext context,
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory) {
		put("listenerContainerFactory.consumerFactory", beanNameOf(context, factory.getConsumerFactory()));
		put("listenerContainerFactory.batchListener", factory.isBatchListener());
		put("listenerContainerFactory.recordInterceptor", factory.getRecordInterceptor());
		put("listenerContainerFactory.batchInterceptor", factory.getBatchInterceptor());
		getters("listenerContainerFactory.containerProperties", factory.getContainerProperties(), Set.of());
		// Settings without a getter on the factory (concurrency, auto-startup, error
		// handler, converters...) show on the containers it creates.
		ConcurrentMessageListenerContainer<Object, Object> container = factory
			.createListenerContainer(endpoint(context));
		getters("container", container, CONTAINER_STATE);
		getters("container.containerProperties", container.getContainerProperties(), Set.of());
	}

	private static MethodKafkaListenerEndpoint<Object, Object> endpoint(ApplicationContext context) {
		MethodKafkaListenerEndpoint<Object, Object> endpoint = new MethodKafkaListenerEndpoint<>();
		endpoint.setId(LISTENER_ID);
		endpoint.setTopics(LISTENER_TOPIC);
		endpoint.setBean(new ParityListener());
		Method method = ClassUtils.getMethod(ParityListener.class, "listen", String.class);
		endpoint.setMethod(method);
		DefaultMessageHandlerMethodFactory methodFactory = new DefaultMessageHandlerMethodFactory();
		methodFactory.afterPropertiesSet();
		endpoint.setMessageHandlerMethodFactory(methodFactory);
		endpoint.setBeanFactory(context.getAutowireCapableBeanFactory());
		return endpoint;
	}

	private void retryTopic(RetryTopicConfiguration configuration) {
		put("retryTopic.concurrency", configuration.getConcurrency());
		List<String> topics = new ArrayList<>();
		for (DestinationTopic.Properties topic : configuration.getDestinationTopicProperties()) {
			// Delays to the second: with a jitter, Boot draws each one at random.
			topics.add("suffix=" + topic.suffix() + " delay=" + Math.round(topic.delay() / 1000.0) + "s "
					+ fromToString(topic, "type") + " " + fromToString(topic, "maxAttempts") + " "
					+ fromToString(topic, "dltStrategy") + " " + fromToString(topic, "timeout") + " partitions="
					+ topic.numPartitions() + " autoStartDltHandler=" + topic.autoStartDltHandler());
		}
		put("retryTopic.destinationTopics", topics);
	}

	/**
	 * A value only {@code toString()} shows (its other parts name instances).
	 */
	private static String fromToString(DestinationTopic.Properties topic, String name) {
		Matcher matcher = Pattern.compile(name + "=([^,}]*)").matcher(topic.toString());
		return matcher.find() ? name + "=" + matcher.group(1) : name + "=?";
	}

	private void jaas() {
		// The initializer has no getters: what it did is the JVM's JAAS configuration.
		AppConfigurationEntry[] entries = javax.security.auth.login.Configuration.getConfiguration()
			.getAppConfigurationEntry("KafkaClient");
		List<String> rendered = new ArrayList<>();
		if (entries != null) {
			for (AppConfigurationEntry entry : entries) {
				rendered.add(entry.getLoginModuleName() + " " + entry.getControlFlag() + " "
						+ new TreeMap<>(entry.getOptions()));
			}
		}
		put("jaas.KafkaClient", rendered);
	}

	private void streams(ApplicationContext context) {
		KafkaStreamsConfiguration configuration = context.getBean(
				KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME, KafkaStreamsConfiguration.class);
		Properties properties = configuration.asProperties();
		config("streamsConfig", properties);
		accepted("streamsConfig", () -> new StreamsConfig(properties));
		StreamsBuilderFactoryBean factoryBean = context.getBean(StreamsBuilderFactoryBean.class);
		put("streamsBuilder.autoStartup", factoryBean.isAutoStartup());
		put("streamsBuilder.listeners", factoryBean.getListeners());
		put("streamsBuilder.streamsUncaughtExceptionHandler", factoryBean.getStreamsUncaughtExceptionHandler());
	}

	private void config(String bean, Map<?, ?> configs) {
		configs.forEach((key, value) -> put(bean + ".config[" + key + "]", value));
	}

	/**
	 * Whether Kafka accepts the configuration: a starter that turned a configuration Boot
	 * gets running into one Kafka refuses would show here.
	 */
	private void accepted(String bean, Supplier<?> parse) {
		String verdict;
		try {
			parse.get();
			verdict = "accepted";
		}
		catch (RuntimeException ex) {
			verdict = "rejected: " + ex.getMessage();
		}
		put(bean + ".kafkaAccepts", verdict);
	}

	private void getters(String prefix, Object target, Set<String> skipped) {
		BeanWrapper wrapper = PropertyAccessorFactory.forBeanPropertyAccess(target);
		for (PropertyDescriptor descriptor : wrapper.getPropertyDescriptors()) {
			String name = descriptor.getName();
			if (descriptor.getReadMethod() == null || name.equals("class") || skipped.contains(name)) {
				continue;
			}
			put(prefix + "." + name, wrapper.getPropertyValue(name));
		}
	}

	private void put(String path, Object value) {
		this.entries.put(path, render(value));
	}

	private static String beanNameOf(ApplicationContext context, Object instance) {
		for (String name : context.getBeanNamesForType(instance.getClass())) {
			if (context.getBean(name) == instance) {
				return "bean '" + name + "'";
			}
		}
		return "not a bean: " + render(instance);
	}

	static String render(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean
				|| value instanceof Enum<?> || value instanceof Duration) {
			return value.toString();
		}
		if (value instanceof Password password) {
			return "Password(" + password.value() + ")";
		}
		if (value instanceof Class<?> type) {
			return type.getName();
		}
		if (value instanceof Object[] array) {
			return render(List.of(array));
		}
		if (value instanceof Collection<?> collection) {
			List<String> rendered = new ArrayList<>();
			collection.forEach((element) -> rendered.add(render(element)));
			return rendered.toString();
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, String> rendered = new TreeMap<>();
			map.forEach((key, element) -> rendered.put(String.valueOf(key), render(element)));
			return rendered.toString();
		}
		if (value instanceof SslBundle) {
			return "SslBundle";
		}
		return "instance of " + typeName(value.getClass());
	}

	private static String typeName(Class<?> type) {
		String name = type.getName();
		int lambda = name.indexOf("$$Lambda");
		return (lambda >= 0) ? name.substring(0, lambda) + "$$Lambda" : name;
	}

	/**
	 * The listener method of the endpoint, never invoked: containers are created, not started.
	 */
	static class ParityListener {

		public void listen(String value) {
		}

	}

}
