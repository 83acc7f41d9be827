package io.github.kafkastarter.autoconfigure.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Which client each listener container belongs to: every container created by a listener
 * container factory of the application (Boot's, a named client's, or the application's
 * own) is recorded with its client as it is created.
 */
public final class KafkaClientContainers implements KafkaClientCustomizer {

	// Weak keys: a container created by hand and dropped must not be kept alive here.
	private final Map<MessageListenerContainer, String> clients = Collections.synchronizedMap(new WeakHashMap<>());

	// Share-group containers: their groups are not consumer groups (no committed offsets).
	private final Map<MessageListenerContainer, String> shareClients = Collections
		.synchronizedMap(new WeakHashMap<>());

	@Override
	public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
		this.clients.put(container, client.name());
	}

	/**
	 * Records a share-group container, which no {@link KafkaClientCustomizer} sees.
	 * @param client the client whose share listener container factory created it
	 * @param container the container
	 */
	public void shareContainerCreated(KafkaClient client, MessageListenerContainer container) {
		this.shareClients.put(container, client.name());
	}

	/**
	 * The client a container belongs to; for a child container of a concurrent container,
	 * its parent's client.
	 * @param container the container
	 * @return the client name, if the container was created by a known factory
	 */
	public Optional<String> clientOf(MessageListenerContainer container) {
		String client = this.clients.get(container);
		if (client == null) {
			client = this.shareClients.get(container);
		}
		if (client == null) {
			synchronized (this.clients) {
				for (Map.Entry<MessageListenerContainer, String> entry : this.clients.entrySet()) {
					if (entry.getKey() instanceof ConcurrentMessageListenerContainer<?, ?> parent
							&& parent.getContainers().contains(container)) {
						return Optional.of(entry.getValue());
					}
				}
			}
		}
		return Optional.ofNullable(client);
	}

	/**
	 * The consumer-group containers of one client.
	 * @param client the client name
	 * @return its containers (the concurrent ones, not their children; no share-group ones)
	 */
	public List<MessageListenerContainer> containers(String client) {
		return of(this.clients, client);
	}

	/**
	 * The share-group containers of one client.
	 * @param client the client name
	 * @return its share-group containers
	 */
	public List<MessageListenerContainer> shareContainers(String client) {
		return of(this.shareClients, client);
	}

	private static List<MessageListenerContainer> of(Map<MessageListenerContainer, String> containers,
			String client) {
		List<MessageListenerContainer> result = new ArrayList<>();
		synchronized (containers) {
			containers.forEach((container, name) -> {
				if (name.equals(client)) {
					result.add(container);
				}
			});
		}
		return result;
	}

	/**
	 * The consumer groups the client's containers use.
	 * @param client the client name
	 * @return the group ids
	 */
	public Set<String> groupIds(String client) {
		Set<String> groups = new LinkedHashSet<>();
		for (MessageListenerContainer container : containers(client)) {
			String group = container.getGroupId();
			if (group != null && !group.isEmpty()) {
				groups.add(group);
			}
		}
		return groups;
	}

}
