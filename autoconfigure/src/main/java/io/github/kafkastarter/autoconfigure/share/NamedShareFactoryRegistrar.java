package io.github.kafkastarter.autoconfigure.share;

import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.share.ShareProperties.ShareSettings;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;

/**
 * Registers {@code <name>ShareConsumerFactory} and
 * {@code <name>ShareKafkaListenerContainerFactory} for every named client whose share
 * support is on. Like the other named-client beans they are not default candidates, and a
 * bean the application declares under the same name wins.
 */
final class NamedShareFactoryRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
		Binder binder = Binder.get(this.environment);
		BeanFactory beanFactory = (BeanFactory) registry;
		for (String name : KafkaClientNames.declared(binder)) {
			if (!KafkaClientNames.isValid(name) || !enabled(binder, name)) {
				continue;
			}
			String consumerFactory = name + "ShareConsumerFactory";
			register(registry, consumerFactory, ShareConsumerFactory.class,
					() -> ShareFactories.consumerFactory(beanFactory.getBean(KafkaClients.class).get(name)));
			RootBeanDefinition containerFactory = register(registry, name + "ShareKafkaListenerContainerFactory",
					ShareKafkaListenerContainerFactory.class,
					() -> ShareFactories.containerFactory(beanFactory.getBean(KafkaClients.class).get(name),
							beanFactory.getBean(consumerFactory, ShareConsumerFactory.class),
							beanFactory.getBeanProvider(KafkaClientContainers.class).getIfAvailable(),
							beanFactory.getBean(ShareGroupSupport.class)));
			if (containerFactory != null) {
				containerFactory.setDependsOn(consumerFactory);
			}
		}
	}

	private static boolean enabled(Binder binder, String name) {
		ShareSettings settings = binder.bind("kafka.starter.share", Bindable.of(ShareSettings.class))
			.orElseGet(ShareSettings::new);
		binder.bind(ConfigurationPropertyName.adapt(KafkaClientNames.prefix(name) + ".share", '.'),
				Bindable.ofInstance(settings));
		return settings.isEnabled();
	}

	private static <T> RootBeanDefinition register(BeanDefinitionRegistry registry, String beanName, Class<T> type,
			java.util.function.Supplier<? extends T> supplier) {
		if (registry.containsBeanDefinition(beanName)) {
			return null;
		}
		RootBeanDefinition definition = new RootBeanDefinition(type);
		definition.setInstanceSupplier(supplier);
		definition.setDefaultCandidate(false);
		// A fallback as well, like the other named-client beans (see NamedClientRegistrar).
		definition.setFallback(true);
		registry.registerBeanDefinition(beanName, definition);
		return definition;
	}

}
