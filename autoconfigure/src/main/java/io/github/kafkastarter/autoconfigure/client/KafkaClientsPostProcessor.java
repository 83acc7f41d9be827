package io.github.kafkastarter.autoconfigure.client;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.SmartInstantiationAwareBeanPostProcessor;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpoint;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Applies every {@link KafkaClientCustomizer} to each Kafka factory, template and admin as
 * it is created, whoever declared it. A bean belongs to a named client when it carries one
 * of the client's bean names or is built on one of the client's factories; otherwise it
 * belongs to the default client. Each listener container factory bean is decorated (see
 * {@link ContainerCreationHook}) so that the containers it creates reach the customizers
 * too.
 */
final class KafkaClientsPostProcessor
		implements SmartInstantiationAwareBeanPostProcessor, BeanFactoryAware, BeanClassLoaderAware {

	private @Nullable BeanFactory beanFactory;

	private @Nullable ClassLoader classLoader;

	private @Nullable ListenerEndpoints endpoints;

	// Factories handed out early (a circular reference) were decorated then.
	private final Set<String> decoratedEarly = ConcurrentHashMap.newKeySet();

	private @Nullable List<KafkaClientCustomizer> customizers;

	private final Map<Object, KafkaClient> factoryClients = new IdentityHashMap<>();

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof DefaultKafkaProducerFactory<?, ?> factory) {
			KafkaClient client = clientFor(beanName, "ProducerFactory", null);
			remember(factory, client);
			customize((customizer) -> customizer.customizeProducerFactory(client, factory));
		}
		else if (bean instanceof DefaultKafkaConsumerFactory<?, ?> factory) {
			KafkaClient client = clientFor(beanName, "ConsumerFactory", null);
			remember(factory, client);
			customize((customizer) -> customizer.customizeConsumerFactory(client, factory));
		}
		else if (bean instanceof ConcurrentKafkaListenerContainerFactory<?, ?> factory) {
			KafkaClient client = listenerFactoryClient(beanName, factory);
			customize((customizer) -> customizer.customizeListenerContainerFactory(client, factory));
		}
		else if (bean instanceof KafkaTemplate<?, ?> template) {
			KafkaClient client = clientFor(beanName, "KafkaTemplate", template.getProducerFactory());
			customize((customizer) -> customizer.customizeTemplate(client, template));
		}
		else if (bean instanceof KafkaAdmin admin) {
			KafkaClient client = clientFor(beanName, "KafkaAdmin", null);
			customize((customizer) -> customizer.customizeAdmin(client, admin));
		}
		return bean;
	}

	@Override
	public Object getEarlyBeanReference(Object bean, String beanName) throws BeansException {
		if (bean instanceof ConcurrentKafkaListenerContainerFactory<?, ?> factory) {
			this.decoratedEarly.add(beanName);
			return decorate(bean, beanName, factory);
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof ConcurrentKafkaListenerContainerFactory<?, ?> factory
				&& !this.decoratedEarly.remove(beanName)) {
			return decorate(bean, beanName, factory);
		}
		return bean;
	}

	private Object decorate(Object bean, String beanName, ConcurrentKafkaListenerContainerFactory<?, ?> factory) {
		KafkaClient client = listenerFactoryClient(beanName, factory);
		return ContainerCreationHook.decorate(bean, beanName, client, this::containerCreated, this.classLoader);
	}

	private void containerCreated(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container,
			@Nullable KafkaListenerEndpoint endpoint) {
		if (endpoint != null) {
			endpoints().containerCreated(container, endpoint);
		}
		customize((customizer) -> customizer.customizeContainer(client, container));
	}

	private KafkaClient listenerFactoryClient(String beanName, ConcurrentKafkaListenerContainerFactory<?, ?> factory) {
		return clientFor(beanName, "KafkaListenerContainerFactory", factory.getConsumerFactory());
	}

	private KafkaClient clientFor(String beanName, String suffix, @Nullable Object factory) {
		if (factory != null) {
			synchronized (this.factoryClients) {
				KafkaClient known = this.factoryClients.get(factory);
				if (known != null) {
					return known;
				}
			}
		}
		KafkaClients clients = clients();
		for (KafkaClient client : clients) {
			if (!client.isDefault() && beanName.equals(client.name() + suffix)) {
				return client;
			}
		}
		return clients.getDefault();
	}

	private void remember(Object factory, KafkaClient client) {
		synchronized (this.factoryClients) {
			this.factoryClients.put(factory, client);
		}
	}

	private void customize(Consumer<KafkaClientCustomizer> action) {
		customizers().forEach(action);
	}

	private KafkaClients clients() {
		return beanFactory().getBean(KafkaClients.class);
	}

	private List<KafkaClientCustomizer> customizers() {
		List<KafkaClientCustomizer> customizers = this.customizers;
		if (customizers == null) {
			customizers = beanFactory().getBeanProvider(KafkaClientCustomizer.class).orderedStream().toList();
			this.customizers = customizers;
		}
		return customizers;
	}

	private ListenerEndpoints endpoints() {
		ListenerEndpoints endpoints = this.endpoints;
		if (endpoints == null) {
			endpoints = beanFactory().getBeanProvider(ListenerEndpoints.class).getIfAvailable(ListenerEndpoints::new);
			this.endpoints = endpoints;
		}
		return endpoints;
	}

	private BeanFactory beanFactory() {
		if (this.beanFactory == null) {
			throw new IllegalStateException("BeanFactory not set");
		}
		return this.beanFactory;
	}

}
