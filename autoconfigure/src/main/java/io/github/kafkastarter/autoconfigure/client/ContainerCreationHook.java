package io.github.kafkastarter.autoconfigure.client;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.BiConsumer;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpoint;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Lets the starter see every container a listener container factory bean creates, through
 * the factory's public contract ({@link KafkaListenerContainerFactory}): the factory bean
 * is decorated (a class-based proxy, so it keeps its type) and each container it returns
 * is handed over, with the endpoint it was created for, before it is started.
 * <p>
 * The factory's own {@code ContainerCustomizer} slot is left to Boot and the application:
 * it holds one customizer and has no getter, so taking it over would drop theirs.
 * Spring Kafka decorates factories the same way for its retry topics.
 */
final class ContainerCreationHook implements MethodInterceptor {

	private final KafkaClient client;

	private final Created created;

	private ContainerCreationHook(KafkaClient client, Created created) {
		this.client = client;
		this.created = created;
	}

	/**
	 * Decorates a listener container factory bean.
	 * @param bean the bean, possibly already a Spring AOP proxy
	 * @param beanName its name
	 * @param client the client it belongs to
	 * @param created told of every container it creates
	 * @param classLoader for the proxy class
	 * @return the bean to use instead
	 */
	static Object decorate(Object bean, String beanName, KafkaClient client, Created created,
			@Nullable ClassLoader classLoader) {
		Advisor advisor = new DefaultPointcutAdvisor(CreationMethods.INSTANCE, new ContainerCreationHook(client, created));
		if (bean instanceof Advised advised && !advised.isFrozen()) {
			// Already proxied (an aspect of the application): one more advice, no second proxy.
			advised.addAdvisor(advisor);
			return bean;
		}
		if (Modifier.isFinal(bean.getClass().getModifiers())) {
			throw new KafkaStarterConfigurationException("listener container factory '" + beanName + "'",
					bean.getClass().getName(),
					"The factory's class is final, so the starter cannot see the listener containers it creates "
							+ "(its retries and dead letters, deduplication, parallel and priority listeners, "
							+ "and the containers' health and lag would be missing).",
					"Make the class non-final (in Kotlin: open), or use ConcurrentKafkaListenerContainerFactory "
							+ "itself.");
		}
		ProxyFactory proxyFactory = new ProxyFactory(bean);
		proxyFactory.setProxyTargetClass(true);
		proxyFactory.addAdvisor(advisor);
		return proxyFactory.getProxy(classLoader);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object result = invocation.proceed();
		if (result instanceof ConcurrentMessageListenerContainer<?, ?> container) {
			Object[] arguments = invocation.getArguments();
			KafkaListenerEndpoint endpoint = (arguments.length == 1
					&& arguments[0] instanceof KafkaListenerEndpoint candidate) ? candidate : null;
			this.created.accept(this.client, container, endpoint);
		}
		return result;
	}

	/**
	 * Told of each container a decorated factory creates.
	 */
	@FunctionalInterface
	interface Created {

		/**
		 * A container was created.
		 * @param client the factory's client
		 * @param container the new container, not yet started
		 * @param endpoint the endpoint it was created for; {@code null} for a container
		 * created from topics, partitions or a pattern
		 */
		void accept(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container,
				@Nullable KafkaListenerEndpoint endpoint);

	}

	/**
	 * The public methods of {@link KafkaListenerContainerFactory} that create containers
	 * (not the factory's protected helpers of the same name, which only it calls).
	 */
	private static final class CreationMethods extends StaticMethodMatcherPointcut {

		static final CreationMethods INSTANCE = new CreationMethods();

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			String name = method.getName();
			return Modifier.isPublic(method.getModifiers())
					&& (name.equals("createListenerContainer") || name.equals("createContainer"))
					&& ConcurrentKafkaListenerContainerFactory.class.isAssignableFrom(targetClass);
		}

	}

}
