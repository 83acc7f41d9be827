package io.github.kafkastarter.autoconfigure.parallel;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Collects {@link ParallelListener} annotations by listener id, as beans are created and
 * before Spring Kafka builds their containers.
 */
final class ParallelListenerAnnotations implements BeanPostProcessor, BeanFactoryAware, Ordered {

	private final Map<String, ParallelListener> byListenerId = new ConcurrentHashMap<>();

	private @Nullable ConfigurableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		if (beanFactory instanceof ConfigurableBeanFactory configurable) {
			this.beanFactory = configurable;
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (type.getName().startsWith("org.springframework.")) {
			return bean;
		}
		ReflectionUtils.doWithMethods(type, (method) -> collect(method, beanName),
				(method) -> method.isAnnotationPresent(ParallelListener.class));
		return bean;
	}

	private void collect(Method method, String beanName) {
		ParallelListener parallel = method.getAnnotation(ParallelListener.class);
		KafkaListener listener = AnnotatedElementUtils.findMergedAnnotation(method, KafkaListener.class);
		String where = beanName + "." + method.getName() + "()";
		if (listener == null) {
			throw new KafkaStarterConfigurationException("@ParallelListener on " + where, null,
					"@ParallelListener only applies to a @KafkaListener method.",
					"Add @KafkaListener(id = \"...\", topics = ...) to " + where + ", or remove @ParallelListener.");
		}
		String id = resolve(listener.id());
		if (!StringUtils.hasText(id)) {
			throw new KafkaStarterConfigurationException("@KafkaListener(id) on " + where, null,
					"A parallel listener needs an id, so that its settings and its statistics can be found.",
					"Give the listener an id, for example @KafkaListener(id = \"" + method.getName()
							+ "\", ...); its settings can then also be tuned under kafka.starter.parallel.listeners."
							+ method.getName() + ".*");
		}
		this.byListenerId.put(id, parallel);
	}

	private String resolve(String value) {
		ConfigurableBeanFactory beanFactory = this.beanFactory;
		String resolved = (beanFactory != null) ? beanFactory.resolveEmbeddedValue(value) : value;
		return (resolved != null) ? resolved : value;
	}

	@Nullable ParallelListener forListener(String listenerId) {
		return this.byListenerId.get(listenerId);
	}

}
