package io.github.kafkastarter.autoconfigure.client;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Finds the beans of a type that apply to one Kafka client, honouring {@link ForClients},
 * in {@code @Order}.
 */
public final class ClientScopedBeans {

	private ClientScopedBeans() {
	}

	/**
	 * The beans of a type that apply to a client, in {@code @Order}. A bean without
	 * {@link ForClients} applies to every client.
	 * @param beanFactory the bean factory
	 * @param type the bean type
	 * @param client the client's name
	 * @param <T> the bean type
	 * @return the beans, ordered
	 */
	public static <T> List<T> forClient(ListableBeanFactory beanFactory, Class<T> type, String client) {
		return select(beanFactory, type, (scope) -> scope == null || scope.contains(client));
	}

	/**
	 * The beans of a type whose {@link ForClients} scope passes a test, in {@code @Order}.
	 * @param beanFactory the bean factory
	 * @param type the bean type
	 * @param scopeTest receives the bean's client names, or {@code null} when it has no
	 * {@link ForClients}
	 * @param <T> the bean type
	 * @return the beans, ordered
	 */
	public static <T> List<T> select(ListableBeanFactory beanFactory, Class<T> type,
			Predicate<@Nullable Set<String>> scopeTest) {
		Map<String, T> byName = beanFactory.getBeansOfType(type, false, true);
		if (byName.isEmpty()) {
			return List.of();
		}
		Map<Object, @Nullable Set<String>> scopes = new IdentityHashMap<>();
		byName.forEach((name, bean) -> scopes.put(bean, scopeOf(beanFactory, name)));
		return beanFactory.getBeanProvider(type)
			.orderedStream()
			.filter(scopes::containsKey)
			.filter((bean) -> scopeTest.test(scopes.get(bean)))
			.toList();
	}

	/**
	 * The client names a bean is limited to.
	 * @param beanFactory the bean factory
	 * @param beanName the bean's name
	 * @return the names, or {@code null} when the bean has no {@link ForClients}
	 */
	public static @Nullable Set<String> scopeOf(ListableBeanFactory beanFactory, String beanName) {
		ForClients forClients = beanFactory.findAnnotationOnBean(beanName, ForClients.class);
		return (forClients != null) ? Arrays.stream(forClients.value()).collect(Collectors.toUnmodifiableSet())
				: null;
	}

}
