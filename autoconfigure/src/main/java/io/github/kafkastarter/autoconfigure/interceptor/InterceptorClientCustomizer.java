package io.github.kafkastarter.autoconfigure.interceptor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.kafkastarter.autoconfigure.client.ClientScopedBeans;
import io.github.kafkastarter.autoconfigure.client.ForClients;
import io.github.kafkastarter.autoconfigure.client.InterceptorClasses;
import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Applies the application's interceptor beans to every client: producer and consumer
 * interceptors through Kafka's {@code interceptor.classes} (ahead of the classes already
 * listed there), record and batch interceptors composed on every listener container
 * factory. An interceptor a factory was given explicitly, not as a bean, stays first. A
 * {@link Partitioner} bean becomes the client's {@code partitioner.class}, through
 * {@link BeanPartitioner}; two for one client fail start-up.
 */
final class InterceptorClientCustomizer implements KafkaClientCustomizer {

	private final ListableBeanFactory beanFactory;

	InterceptorClientCustomizer(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void customizeProducerFactory(KafkaClient client, DefaultKafkaProducerFactory<?, ?> factory) {
		if (hasBeansFor(ProducerInterceptor.class, client)) {
			factory.updateConfigs(chainConfigs(factory.getConfigurationProperties(), BeanProducerInterceptors.class,
					BeanProducerInterceptors.CHAIN_CONFIG, client, ProducerInterceptor.class));
		}
		List<String> partitioners = beanNamesFor(Partitioner.class, client);
		if (!partitioners.isEmpty()) {
			factory.updateConfigs(partitionerConfigs(factory.getConfigurationProperties(), client, partitioners));
		}
	}

	// Kafka takes one partitioner: two beans for one client cannot both apply, and a
	// partitioner.class of the client's own would silently lose to the bean.
	private Map<String, Object> partitionerConfigs(Map<String, Object> current, KafkaClient client,
			List<String> beans) {
		String property = (client.isDefault() ? "spring.kafka" : KafkaClientNames.prefix(client.name()))
				+ ".producer.properties.partitioner.class";
		if (beans.size() > 1) {
			throw new KafkaStarterConfigurationException(property, null,
					"Kafka client '" + client.name() + "' has " + beans.size() + " Partitioner beans " + beans
							+ ", but a producer takes one partitioner.",
					"Limit each Partitioner bean to its clients with @ForClients, so that at most one applies to '"
							+ client.name() + "', or remove all but one.");
		}
		Object configured = current.get(ProducerConfig.PARTITIONER_CLASS_CONFIG);
		if (configured != null && !InterceptorClasses.is(configured, BeanPartitioner.class)) {
			String name = (configured instanceof Class<?> type) ? type.getName() : configured.toString();
			throw new KafkaStarterConfigurationException(property, name,
					"Kafka client '" + client.name() + "' sets partitioner.class and also has the Partitioner bean '"
							+ beans.get(0) + "': only one of them can partition its records.",
					"Remove partitioner.class from the client's producer properties, or limit the bean '"
							+ beans.get(0) + "' to other clients with @ForClients.");
		}
		String beanName = beans.get(0);
		return Map.of(ProducerConfig.PARTITIONER_CLASS_CONFIG, BeanPartitioner.class, BeanPartitioner.BEAN_CONFIG,
				new BeanPartitioner.Bean(client.name(), beanName,
						() -> this.beanFactory.getBean(beanName, Partitioner.class)));
	}

	@Override
	public void customizeConsumerFactory(KafkaClient client, DefaultKafkaConsumerFactory<?, ?> factory) {
		if (hasBeansFor(ConsumerInterceptor.class, client)) {
			factory.updateConfigs(chainConfigs(factory.getConfigurationProperties(), BeanConsumerInterceptors.class,
					BeanConsumerInterceptors.CHAIN_CONFIG, client, ConsumerInterceptor.class));
		}
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public void customizeListenerContainerFactory(KafkaClient client,
			ConcurrentKafkaListenerContainerFactory<?, ?> factory) {
		ConcurrentKafkaListenerContainerFactory raw = factory;
		if (hasBeans(RecordInterceptor.class)) {
			List<RecordInterceptor> chain = compose(raw.getRecordInterceptor(), RecordInterceptor.class, client);
			raw.setRecordInterceptor(switch (chain.size()) {
				case 0 -> null;
				case 1 -> chain.get(0);
				default -> new CompositeRecordInterceptor(chain.toArray(RecordInterceptor[]::new));
			});
		}
		if (hasBeans(BatchInterceptor.class)) {
			List<BatchInterceptor> chain = compose(raw.getBatchInterceptor(), BatchInterceptor.class, client);
			raw.setBatchInterceptor(switch (chain.size()) {
				case 0 -> null;
				case 1 -> chain.get(0);
				default -> new CompositeBatchInterceptor(chain.toArray(BatchInterceptor[]::new));
			});
		}
	}

	private <T> List<T> compose(@Nullable T current, Class<T> type, KafkaClient client) {
		List<T> chain = new ArrayList<>();
		// Boot sets a lone interceptor bean whatever its scope; anything else was set by hand.
		if (current != null && !isBean(current, type)) {
			chain.add(current);
		}
		chain.addAll(ClientScopedBeans.forClient(this.beanFactory, type, client.name()));
		return chain;
	}

	private boolean isBean(Object candidate, Class<?> type) {
		Set<Object> beans = Collections.newSetFromMap(new IdentityHashMap<>());
		beans.addAll(this.beanFactory.getBeansOfType(type, false, true).values());
		return beans.contains(candidate);
	}

	private boolean hasBeans(Class<?> type) {
		return this.beanFactory.getBeanNamesForType(type, false, false).length > 0;
	}

	// Kafka calls every listed interceptor on each record: a chain that would stay empty for
	// this client is not listed at all. Decided from the bean definitions, without creating
	// the beans, which may depend on Kafka beans.
	private boolean hasBeansFor(Class<?> type, KafkaClient client) {
		return !beanNamesFor(type, client).isEmpty();
	}

	private List<String> beanNamesFor(Class<?> type, KafkaClient client) {
		List<String> names = new ArrayList<>();
		for (String name : this.beanFactory.getBeanNamesForType(type, false, false)) {
			ForClients scope = this.beanFactory.findAnnotationOnBean(name, ForClients.class, false);
			if (scope == null || Arrays.asList(scope.value()).contains(client.name())) {
				names.add(name);
			}
		}
		return names;
	}

	private <T> Map<String, Object> chainConfigs(Map<String, Object> current, Class<?> chainClass, String chainKey,
			KafkaClient client, Class<T> type) {
		List<Object> classes = new ArrayList<>();
		classes.add(chainClass);
		for (Object configured : InterceptorClasses.of(current.get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG))) {
			if (!InterceptorClasses.is(configured, chainClass)) {
				classes.add(configured);
			}
		}
		InterceptorChain<T> chain = new InterceptorChain<>(client.name(),
				() -> ClientScopedBeans.forClient(this.beanFactory, type, client.name()));
		return Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, classes, chainKey, chain);
	}

}
