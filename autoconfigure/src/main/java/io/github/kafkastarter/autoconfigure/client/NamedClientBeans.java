package io.github.kafkastarter.autoconfigure.client;

import java.time.Duration;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.support.converter.RecordMessageConverter;
import org.springframework.kafka.support.micrometer.KafkaTemplateObservationConvention;
import org.springframework.kafka.transaction.KafkaTransactionManager;

/**
 * Builds the beans of named clients the way Spring Boot builds the default client's, from
 * each client's effective properties and connection. Shared application beans (message
 * converters, error handler, rebalance listener, observation conventions...) are applied
 * to every client as Boot applies them to the default one; what belongs to one cluster
 * (reply template, transaction manager) is the client's own.
 */
final class NamedClientBeans {

	private final BeanFactory beanFactory;

	private final ObjectProvider<KafkaClients> clients;

	NamedClientBeans(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
		this.clients = beanFactory.getBeanProvider(KafkaClients.class);
	}

	DefaultKafkaProducerFactory<Object, Object> producerFactory(String name) {
		KafkaClient client = client(name);
		DefaultKafkaProducerFactory<Object, Object> factory = new DefaultKafkaProducerFactory<>(
				client.buildProducerConfig());
		String transactionIdPrefix = client.properties().getProducer().getTransactionIdPrefix();
		if (transactionIdPrefix != null) {
			factory.setTransactionIdPrefix(transactionIdPrefix);
		}
		return factory;
	}

	DefaultKafkaConsumerFactory<Object, Object> consumerFactory(String name) {
		return new DefaultKafkaConsumerFactory<>(client(name).buildConsumerConfig());
	}

	@SuppressWarnings("unchecked")
	KafkaTemplate<Object, Object> template(String name) {
		KafkaClient client = client(name);
		ProducerFactory<Object, Object> producerFactory = this.beanFactory.getBean(client.beanName("ProducerFactory"),
				ProducerFactory.class);
		KafkaTemplate<Object, Object> template = new KafkaTemplate<>(producerFactory);
		this.beanFactory.getBeanProvider(RecordMessageConverter.class).ifUnique(template::setMessageConverter);
		this.beanFactory.getBeanProvider(KafkaTemplateObservationConvention.class)
			.ifUnique(template::setObservationConvention);
		ProducerListener<Object, Object> producerListener = this.beanFactory.getBeanProvider(ProducerListener.class)
			.getIfUnique();
		if (producerListener != null) {
			template.setProducerListener(producerListener);
		}
		KafkaProperties.Template properties = client.properties().getTemplate();
		PropertyMapper map = PropertyMapper.get();
		map.from(properties.getDefaultTopic()).to(template::setDefaultTopic);
		map.from(properties.getTransactionIdPrefix()).to(template::setTransactionIdPrefix);
		map.from(properties.getCloseTimeout()).to(template::setCloseTimeout);
		map.from(properties.isAllowNonTransactional()).to(template::setAllowNonTransactional);
		map.from(properties.isObservationEnabled()).to(template::setObservationEnabled);
		return template;
	}

	@SuppressWarnings("unchecked")
	ConcurrentKafkaListenerContainerFactory<Object, Object> listenerContainerFactory(String name) {
		KafkaClient client = client(name);
		ConsumerFactory<Object, Object> consumerFactory = this.beanFactory.getBean(client.beanName("ConsumerFactory"),
				ConsumerFactory.class);
		ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
		// Boot's configurer carries the application's shared listener beans; it also applies
		// the default client's listener settings, which the client's own settings overwrite.
		ConcurrentKafkaListenerContainerFactoryConfigurer configurer = this.beanFactory
			.getBeanProvider(ConcurrentKafkaListenerContainerFactoryConfigurer.class)
			.getIfUnique();
		if (configurer != null) {
			configurer.configure(factory, consumerFactory);
		}
		else {
			factory.setConsumerFactory(consumerFactory);
		}
		ListenerSettings.apply(client.properties().getListener(), factory);
		factory.setReplyTemplate(this.beanFactory.getBean(client.beanName("KafkaTemplate"), KafkaTemplate.class));
		String transactionManager = client.beanName("KafkaTransactionManager");
		factory.getContainerProperties()
			.setKafkaAwareTransactionManager(this.beanFactory.containsBean(transactionManager)
					? this.beanFactory.getBean(transactionManager, KafkaTransactionManager.class) : null);
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> containerCustomizer = this.beanFactory
			.getBeanProvider(ContainerCustomizer.class)
			.getIfUnique();
		if (containerCustomizer != null) {
			factory.setContainerCustomizer(containerCustomizer);
		}
		return factory;
	}

	KafkaAdmin admin(String name) {
		KafkaClient client = client(name);
		KafkaAdmin admin = new KafkaAdmin(client.buildAdminConfig());
		KafkaProperties.Admin properties = client.properties().getAdmin();
		PropertyMapper map = PropertyMapper.get();
		map.from(properties.getCloseTimeout()).as(Duration::getSeconds).as(Long::intValue).to(admin::setCloseTimeout);
		map.from(properties.getOperationTimeout())
			.as(Duration::getSeconds)
			.as(Long::intValue)
			.to(admin::setOperationTimeout);
		admin.setFatalIfBrokerNotAvailable(properties.isFailFast());
		admin.setModifyTopicConfigs(properties.isModifyTopicConfigs());
		admin.setAutoCreate(properties.isAutoCreate());
		return admin;
	}

	@SuppressWarnings("unchecked")
	KafkaTransactionManager<Object, Object> transactionManager(String name) {
		KafkaClient client = client(name);
		return new KafkaTransactionManager<>(
				this.beanFactory.getBean(client.beanName("ProducerFactory"), ProducerFactory.class));
	}

	private KafkaClient client(String name) {
		return this.clients.getObject().get(name);
	}

	/**
	 * Applies {@code spring.kafka.listener}-shaped settings to a listener container factory.
	 */
	static final class ListenerSettings {

		private ListenerSettings() {
		}

		static void apply(KafkaProperties.Listener listener,
				ConcurrentKafkaListenerContainerFactory<Object, Object> factory) {
			PropertyMapper map = PropertyMapper.get();
			map.from(listener.getConcurrency()).to(factory::setConcurrency);
			map.from(listener.isAutoStartup()).to(factory::setAutoStartup);
			factory.setBatchListener(listener.getType() == KafkaProperties.Listener.Type.BATCH);
			map.from(listener.getChangeConsumerThreadName()).to(factory::setChangeConsumerThreadName);
			ContainerProperties container = factory.getContainerProperties();
			map.from(listener.getAckMode()).to(container::setAckMode);
			map.from(listener.getAsyncAcks()).to(container::setAsyncAcks);
			map.from(listener.getClientId()).to(container::setClientId);
			map.from(listener.getAckCount()).to(container::setAckCount);
			map.from(listener.getAckTime()).as(Duration::toMillis).to(container::setAckTime);
			map.from(listener.getPollTimeout()).as(Duration::toMillis).to(container::setPollTimeout);
			map.from(listener.getNoPollThreshold()).to(container::setNoPollThreshold);
			map.from(listener.getIdleBetweenPolls()).as(Duration::toMillis).to(container::setIdleBetweenPolls);
			map.from(listener.getIdleEventInterval()).as(Duration::toMillis).to(container::setIdleEventInterval);
			map.from(listener.getIdlePartitionEventInterval())
				.as(Duration::toMillis)
				.to(container::setIdlePartitionEventInterval);
			map.from(listener.getMonitorInterval())
				.as(Duration::getSeconds)
				.as(Long::intValue)
				.to(container::setMonitorInterval);
			map.from(listener.getLogContainerConfig()).to(container::setLogContainerConfig);
			map.from(listener.isMissingTopicsFatal()).to(container::setMissingTopicsFatal);
			map.from(listener.isImmediateStop()).to(container::setStopImmediate);
			map.from(listener.isObservationEnabled()).to(container::setObservationEnabled);
			map.from(listener.getAuthExceptionRetryInterval()).to(container::setAuthExceptionRetryInterval);
		}

	}

}
