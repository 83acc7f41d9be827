package io.github.kafkastarter.autoconfigure.client;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.NewTopic;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaAdmin.NewTopics;
import org.springframework.util.ReflectionUtils;

/**
 * Makes each admin create only the {@code NewTopic} beans meant for its cluster: a topic
 * bean with {@link ForClients} on the clients it names, one without on the default client
 * (where Spring Boot alone would create it). Only in play when named clients exist.
 */
final class TopicScopingCustomizer implements KafkaClientCustomizer {

	private final ListableBeanFactory beanFactory;

	private volatile @Nullable Map<NewTopic, @Nullable Set<String>> scopes;

	TopicScopingCustomizer(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void customizeAdmin(KafkaClient client, KafkaAdmin admin) {
		admin.setCreateOrModifyTopic((topic) -> {
			Set<String> scope = scopes().get(topic);
			return (scope == null) ? client.isDefault() : scope.contains(client.name());
		});
	}

	private Map<NewTopic, @Nullable Set<String>> scopes() {
		Map<NewTopic, @Nullable Set<String>> scopes = this.scopes;
		if (scopes == null) {
			// Topic beans exist by now: admins ask only once all singletons are created.
			scopes = new IdentityHashMap<>();
			for (String name : this.beanFactory.getBeanNamesForType(NewTopic.class, false, false)) {
				scopes.put(this.beanFactory.getBean(name, NewTopic.class),
						ClientScopedBeans.scopeOf(this.beanFactory, name));
			}
			for (String name : this.beanFactory.getBeanNamesForType(NewTopics.class, false, false)) {
				Set<String> scope = ClientScopedBeans.scopeOf(this.beanFactory, name);
				for (NewTopic topic : topicsOf(this.beanFactory.getBean(name, NewTopics.class))) {
					scopes.put(topic, scope);
				}
			}
			this.scopes = scopes;
		}
		return scopes;
	}

	@SuppressWarnings("unchecked")
	private static Collection<NewTopic> topicsOf(NewTopics topics) {
		// Spring Kafka keeps the accessor package-private; without it, such topics stay on
		// the default client.
		Method getter = ReflectionUtils.findMethod(NewTopics.class, "getNewTopics");
		if (getter == null) {
			return List.of();
		}
		ReflectionUtils.makeAccessible(getter);
		Object result = ReflectionUtils.invokeMethod(getter, topics);
		return (result instanceof Collection<?> collection) ? (Collection<NewTopic>) collection : List.of();
	}

}
