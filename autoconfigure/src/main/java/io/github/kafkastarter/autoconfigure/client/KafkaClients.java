package io.github.kafkastarter.autoconfigure.client;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.DisposableBean;

/**
 * Every Kafka client of the application, by name: {@value #DEFAULT_CLIENT} for Spring
 * Boot's own {@code spring.kafka} beans, and one per key under
 * {@code kafka.starter.clients}.
 * <pre class="code">
 * KafkaTemplate&lt;String, String&gt; audit = clients.get("audit").template();
 * </pre>
 */
public final class KafkaClients implements Iterable<KafkaClient>, DisposableBean {

	/**
	 * The name of Spring Boot's default client.
	 */
	public static final String DEFAULT_CLIENT = "default";

	/**
	 * The name of the scheduler that runs the starter's background work: lag refreshes,
	 * broker checks, priority checks, the durability check, clean-ups. Inject it with
	 * {@code @Qualifier(KafkaClients.TASK_SCHEDULER)}: it is no default candidate, so that
	 * it never stands in for the application's own {@code TaskScheduler} or
	 * {@code Executor}, nor keeps Spring Boot from making them.
	 */
	public static final String TASK_SCHEDULER = "kafkaStarterTaskScheduler";

	private final Map<String, KafkaClient> clients;

	KafkaClients(Collection<KafkaClient> clients) {
		Map<String, KafkaClient> byName = new LinkedHashMap<>();
		clients.forEach((client) -> byName.put(client.name(), client));
		this.clients = Collections.unmodifiableMap(byName);
	}

	/**
	 * The client with the given name.
	 * @param name {@value #DEFAULT_CLIENT} or a key under {@code kafka.starter.clients}
	 * @return the client
	 * @throws IllegalArgumentException if there is no such client
	 */
	public KafkaClient get(String name) {
		KafkaClient client = this.clients.get(name);
		if (client == null) {
			throw new IllegalArgumentException(
					"No Kafka client named '" + name + "'; the clients are " + this.clients.keySet());
		}
		return client;
	}

	/**
	 * Spring Boot's default client.
	 * @return the default client
	 */
	public KafkaClient getDefault() {
		return get(DEFAULT_CLIENT);
	}

	/**
	 * Whether a client of that name exists.
	 * @param name the name
	 * @return whether it exists
	 */
	public boolean contains(String name) {
		return this.clients.containsKey(name);
	}

	/**
	 * The names of all clients, the default first.
	 * @return the names
	 */
	public Set<String> names() {
		return this.clients.keySet();
	}

	@Override
	public Iterator<KafkaClient> iterator() {
		return this.clients.values().iterator();
	}

	/**
	 * Closes every client's {@linkplain KafkaClient#sharedAdmin() shared admin}, with the
	 * application context.
	 */
	@Override
	public void destroy() {
		this.clients.values().forEach(KafkaClient::close);
	}

}
