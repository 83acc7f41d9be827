package io.github.kafkastarter.autoconfigure.client;

import java.lang.reflect.Field;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.util.ReflectionUtils;

/**
 * Applies every {@link KafkaClientCustomizer} to each Kafka factory, template and admin as
 * it is created, whoever declared it. A bean belongs to a named client when it carries one
 * of the client's bean names or is built on one of the client's factories; otherwise it
 * belongs to the default client.
 */
final class KafkaClientsPostProcessor implements BeanPostProcessor, BeanFactoryAware {

	private static final Field CONTAINER_CUSTOMIZER = containerCustomizerField();

	private @Nullable BeanFactory beanFactory;

	private @Nullable List<KafkaClientCustomizer> customizers;

	private final Map<Object, KafkaClient> factoryClients = new IdentityHashMap<>();

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
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
			KafkaClient client = clientFor(beanName, "KafkaListenerContainerFactory", factory.getConsumerFactory());
			customize((customizer) -> customizer.customizeListenerContainerFactory(client, factory));
			hookContainers(client, factory);
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

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private void hookContainers(KafkaClient client, ConcurrentKafkaListenerContainerFactory<?, ?> factory) {
		// The factory holds one ContainerCustomizer, set by Boot or by the application: keep
		// it and run the client customizers after it.
		ContainerCustomizer existing = (ContainerCustomizer) ReflectionUtils.getField(CONTAINER_CUSTOMIZER, factory);
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> composite = (
				container) -> {
			if (existing != null) {
				existing.configure(container);
			}
			customize((customizer) -> customizer.customizeContainer(client, container));
		};
		((ConcurrentKafkaListenerContainerFactory) factory).setContainerCustomizer(composite);
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

	private static Field containerCustomizerField() {
		Field field = ReflectionUtils.findField(AbstractKafkaListenerContainerFactory.class, "containerCustomizer");
		if (field == null) {
			throw new IllegalStateException("This Spring Kafka version has no AbstractKafkaListenerContainerFactory"
					+ ".containerCustomizer; the starter needs it to keep a factory's own customizer");
		}
		ReflectionUtils.makeAccessible(field);
		return field;
	}

	private BeanFactory beanFactory() {
		if (this.beanFactory == null) {
			throw new IllegalStateException("BeanFactory not set");
		}
		return this.beanFactory;
	}

}
