package io.github.kafkastarter.autoconfigure.client;

import java.util.function.Supplier;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.transaction.KafkaTransactionManager;

/**
 * Registers the beans of every named client: {@code <name>ProducerFactory},
 * {@code <name>ConsumerFactory}, {@code <name>KafkaTemplate},
 * {@code <name>KafkaListenerContainerFactory}, {@code <name>KafkaAdmin} and, when the client
 * is transactional, {@code <name>KafkaTransactionManager}.
 * <p>
 * They are registered after every configuration class has been read, so a bean the
 * application declares under one of these names wins. They are not default candidates,
 * and they are fallbacks: an injection point without a qualifier and
 * {@code getBean(Type.class)} keep getting Spring Boot's default beans, and
 * {@code @Qualifier("<name>KafkaTemplate")} selects a named one.
 */
final class NamedClientRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, Ordered {

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 10;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
		Binder binder = Binder.get(this.environment);
		NamedClientBeans beans = new NamedClientBeans((BeanFactory) registry);
		for (String name : KafkaClientNames.declared(binder)) {
			if (!KafkaClientNames.isValid(name)) {
				throw KafkaClientNames.invalidName(name);
			}
			String producerFactory = name + "ProducerFactory";
			String consumerFactory = name + "ConsumerFactory";
			String template = name + "KafkaTemplate";
			String transactionManager = name + "KafkaTransactionManager";
			register(registry, producerFactory, DefaultKafkaProducerFactory.class, () -> beans.producerFactory(name));
			register(registry, consumerFactory, DefaultKafkaConsumerFactory.class, () -> beans.consumerFactory(name));
			register(registry, template, KafkaTemplate.class, () -> beans.template(name), producerFactory);
			boolean transactional = KafkaClientNames.bindEffective(binder, name)
				.getProducer()
				.getTransactionIdPrefix() != null;
			if (transactional) {
				register(registry, transactionManager, KafkaTransactionManager.class,
						() -> beans.transactionManager(name), producerFactory);
			}
			register(registry, name + "KafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class,
					() -> beans.listenerContainerFactory(name), transactional
							? new String[] { consumerFactory, template, transactionManager }
							: new String[] { consumerFactory, template });
			register(registry, name + "KafkaAdmin", KafkaAdmin.class, () -> beans.admin(name));
		}
	}

	private static <T> void register(BeanDefinitionRegistry registry, String beanName, Class<T> type,
			Supplier<? extends T> supplier, String... dependsOn) {
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(type);
		definition.setInstanceSupplier(supplier);
		definition.setDefaultCandidate(false);
		// Also a fallback: getBean(Type.class) weighs fallbacks before default candidates,
		// so without it a fallback bean of the starter beside Boot's (the share listener
		// container factory beside Boot's listener container factory) would leave
		// getBean(KafkaListenerContainerFactory.class) ambiguous once a named client exists.
		definition.setFallback(true);
		if (dependsOn.length > 0) {
			definition.setDependsOn(dependsOn);
		}
		registry.registerBeanDefinition(beanName, definition);
	}

}
