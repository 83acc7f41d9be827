package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.List;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Runs every {@link ConfigurationCheck} once the configuration classes are read and before
 * any bean is created, so bad Kafka configuration stops start-up at once, with a report
 * naming the property and the fix, instead of failing later, or hanging, in a Kafka
 * client.
 */
final class ConfigurationChecks implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, Ordered {

	private static final List<ConfigurationCheck> CHECKS = List.of(new ClientNameCheck(), new BootstrapServersCheck(),
			new SerializerClassCheck(), new KafkaClientConfigCheck(), new ReliabilitySettingsCheck(),
			new SettingsCheck(), new RemovedPropertiesCheck());

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
		ConfigurationCheckContext context = new ConfigurationCheckContext(this.environment);
		CHECKS.forEach((check) -> check.check(context));
	}

}
