package io.github.kafkastarter.autoconfigure.dedup;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.kafka.listener.DelegatingMessageListener;
import org.springframework.kafka.listener.adapter.HandlerAdapter;
import org.springframework.kafka.listener.adapter.MessagingMessageListenerAdapter;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the {@code @KafkaListener} method behind a container's message listener, to read
 * its annotations. Spring Kafka keeps the method in private fields of its listener
 * adapter; if a later version moves them, {@link Deduplicated} is not seen (a warning
 * says so, and the property {@code kafka.starter.consumer.listeners.<id>.deduplicate}
 * still works).
 */
final class ListenerMethods {

	private static final Logger logger = LoggerFactory.getLogger(ListenerMethods.class);

	private static final @Nullable Field HANDLER = field(MessagingMessageListenerAdapter.class, "handlerMethod");

	private static final @Nullable Field INVOKER = field(HandlerAdapter.class, "invokerHandlerMethod");

	private static final @Nullable Field DELEGATING = field(HandlerAdapter.class, "delegatingHandler");

	private static volatile boolean warned;

	private ListenerMethods() {
	}

	/**
	 * Whether the listener method (or its class) is marked {@link Deduplicated}.
	 * @param listener the container's message listener
	 * @return whether it is
	 */
	static boolean isDeduplicated(@Nullable Object listener) {
		Object target = listener;
		while (target instanceof DelegatingMessageListener<?> delegating) {
			target = delegating.getDelegate();
		}
		if (!(target instanceof MessagingMessageListenerAdapter<?, ?>)) {
			return false;
		}
		if (HANDLER == null || INVOKER == null) {
			warnOnce();
			return false;
		}
		Object handler = ReflectionUtils.getField(HANDLER, target);
		if (!(handler instanceof HandlerAdapter adapter)) {
			return false;
		}
		Class<?> beanClass = AopUtils.getTargetClass(adapter.getBean());
		if (AnnotatedElementUtils.hasAnnotation(beanClass, Deduplicated.class)) {
			return true;
		}
		Object invoker = ReflectionUtils.getField(INVOKER, adapter);
		if (invoker instanceof InvocableHandlerMethod method) {
			return isDeduplicated(method.getMethod(), beanClass);
		}
		Object delegating = (DELEGATING != null) ? ReflectionUtils.getField(DELEGATING, adapter) : null;
		if (delegating != null) {
			Field handlers = field(delegating.getClass(), "handlers");
			if (handlers != null && ReflectionUtils.getField(handlers, delegating) instanceof List<?> methods) {
				return methods.stream()
					.anyMatch((candidate) -> candidate instanceof InvocableHandlerMethod method
							&& isDeduplicated(method.getMethod(), beanClass));
			}
		}
		return false;
	}

	private static boolean isDeduplicated(Method method, Class<?> beanClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, beanClass);
		return AnnotatedElementUtils.hasAnnotation(specific, Deduplicated.class)
				|| AnnotatedElementUtils.hasAnnotation(method, Deduplicated.class);
	}

	private static void warnOnce() {
		if (!warned) {
			warned = true;
			logger.warn("This Spring Kafka version hides the listener method from its adapter: @Deduplicated is "
					+ "not detected; use kafka.starter.consumer.listeners.<listener-id>.deduplicate=true");
		}
	}

	private static @Nullable Field field(Class<?> type, String name) {
		Field field = ReflectionUtils.findField(type, name);
		if (field != null) {
			ReflectionUtils.makeAccessible(field);
		}
		return field;
	}

}
