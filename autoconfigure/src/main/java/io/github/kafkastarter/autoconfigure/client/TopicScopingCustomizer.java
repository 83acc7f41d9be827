package io.github.kafkastarter.autoconfigure.client;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.NewTopic;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaAdmin.NewTopics;

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
				for (NewTopic topic : NewTopicsContents.of(this.beanFactory.getBean(name, NewTopics.class))) {
					scopes.put(topic, scope);
				}
			}
			this.scopes = scopes;
		}
		return scopes;
	}

}
