package io.github.kafkastarter.autoconfigure.client;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.kafka.config.KafkaListenerEndpoint;
import org.springframework.kafka.config.MethodKafkaListenerEndpoint;
import org.springframework.kafka.config.MultiMethodKafkaListenerEndpoint;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The listener behind each listener container: the {@code @KafkaListener} method (or, for
 * a class-level {@code @KafkaListener}, its {@code @KafkaHandler} methods) and bean a
 * listener container factory of the application created the container for, recorded
 * before any {@link KafkaClientCustomizer} sees the container. Read it to find the
 * listener's annotations; Spring Kafka's listener adapters do not expose the method.
 */
public final class ListenerEndpoints {

	// Weak keys: a container created by hand and dropped must not be kept alive here.
	private final Map<MessageListenerContainer, MethodKafkaListenerEndpoint<?, ?>> endpoints = Collections
		.synchronizedMap(new WeakHashMap<>());

	ListenerEndpoints() {
	}

	void containerCreated(MessageListenerContainer container, KafkaListenerEndpoint endpoint) {
		if (endpoint instanceof MethodKafkaListenerEndpoint<?, ?> methods) {
			this.endpoints.put(container, methods);
		}
	}

	/**
	 * The endpoint a container was created for.
	 * @param container the container
	 * @return the endpoint, if the container runs a listener method (not, for example, a
	 * container created with {@code createContainer(topics)} or a listener set by hand)
	 */
	public Optional<MethodKafkaListenerEndpoint<?, ?>> endpoint(MessageListenerContainer container) {
		return Optional.ofNullable(this.endpoints.get(container));
	}

	/**
	 * Whether the listener of a container carries an annotation, directly or as a
	 * meta-annotation: on its class, on its listener method, or, for a class-level
	 * {@code @KafkaListener}, on any of its handler methods.
	 * @param container the container
	 * @param annotation the annotation type
	 * @return whether it does
	 */
	public boolean isAnnotated(MessageListenerContainer container, Class<? extends Annotation> annotation) {
		MethodKafkaListenerEndpoint<?, ?> endpoint = this.endpoints.get(container);
		if (endpoint == null) {
			return false;
		}
		Class<?> beanClass = AopUtils.getTargetClass(endpoint.getBean());
		if (AnnotatedElementUtils.hasAnnotation(beanClass, annotation)) {
			return true;
		}
		return methods(endpoint).stream().anyMatch((method) -> isAnnotated(method, beanClass, annotation));
	}

	private static List<Method> methods(MethodKafkaListenerEndpoint<?, ?> endpoint) {
		if (endpoint instanceof MultiMethodKafkaListenerEndpoint<?, ?> multi) {
			return multi.getMethods();
		}
		Method method = endpoint.getMethod();
		return (method != null) ? List.of(method) : List.of();
	}

	private static boolean isAnnotated(Method method, Class<?> beanClass, Class<? extends Annotation> annotation) {
		// The endpoint may hold the method of an interface or of a proxy's class.
		return AnnotatedElementUtils.hasAnnotation(method, annotation)
				|| AnnotatedElementUtils.hasAnnotation(AopUtils.getMostSpecificMethod(method, beanClass), annotation);
	}

}
