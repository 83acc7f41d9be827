package io.github.kafkastarter.autoconfigure.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * The reliability settings in force for one listener of one client: each setting is read
 * from {@code kafka.starter.consumer.*}, then the client's
 * {@code kafka.starter.clients.<name>.consumer.*}, then the listener's
 * {@code kafka.starter.consumer.listeners.<id>.*} (and the client's
 * {@code ...consumer.listeners.<id>.*}), the most specific winning.
 */
public final class ListenerReliabilitySettings {

	private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9-]+");

	private final String client;

	private final @Nullable String listenerId;

	private final ConsumerReliabilityProperties.Retry retry;

	private final ConsumerReliabilityProperties.DeadLetter deadLetter;

	private final boolean deduplicate;

	private final boolean errorHandling;

	private final boolean poisonPillSafety;

	private final ConsumerReliabilityProperties.StaticMembership staticMembership;

	private final List<String> layers;

	private final Binder binder;

	private ListenerReliabilitySettings(KafkaClient client, @Nullable String listenerId, Binder binder) {
		this.client = client.name();
		this.listenerId = listenerId;
		this.binder = binder;
		this.layers = layers(client, listenerId);
		List<String> clientLayers = layers(client, null);
		this.retry = bind(this.layers, "retry", ConsumerReliabilityProperties.Retry::new);
		this.deadLetter = bind(this.layers, "dead-letter", ConsumerReliabilityProperties.DeadLetter::new);
		this.staticMembership = bind(clientLayers, "static-membership",
				ConsumerReliabilityProperties.StaticMembership::new);
		boolean deduplicate = false;
		boolean errorHandling = true;
		boolean poisonPillSafety = true;
		for (String layer : this.layers) {
			deduplicate = value(layer + ".deduplicate", Boolean.class, deduplicate);
			errorHandling = value(layer + ".error-handling", Boolean.class, errorHandling);
		}
		for (String layer : clientLayers) {
			poisonPillSafety = value(layer + ".poison-pill-safety", Boolean.class, poisonPillSafety);
		}
		this.deduplicate = deduplicate;
		this.errorHandling = errorHandling;
		this.poisonPillSafety = poisonPillSafety;
	}

	/**
	 * Resolves the settings of a listener.
	 * @param client the client whose factory created the listener's container
	 * @param listenerId the listener id, or {@code null} for the client's settings
	 * @param binder the binder over the environment
	 * @return the settings
	 */
	public static ListenerReliabilitySettings resolve(KafkaClient client, @Nullable String listenerId,
			Binder binder) {
		return new ListenerReliabilitySettings(client, listenerId, binder);
	}

	/**
	 * The property prefixes a listener's consumer settings are read from, least specific
	 * first.
	 * @param client the client
	 * @param listenerId the listener id, or {@code null}
	 * @return the prefixes
	 */
	static List<String> layers(KafkaClient client, @Nullable String listenerId) {
		List<String> clientLayers = new ArrayList<>();
		clientLayers.add("kafka.starter.consumer");
		if (!client.isDefault()) {
			clientLayers.add(KafkaClientNames.prefix(client.name()) + ".consumer");
		}
		List<String> layers = new ArrayList<>(clientLayers);
		if (listenerId != null) {
			for (String clientLayer : clientLayers) {
				layers.add(clientLayer + ".listeners" + listenerKey(listenerId));
			}
		}
		return layers;
	}

	private static String listenerKey(String listenerId) {
		// Ids such as 'orders' or 'order-audit' read naturally as keys; anything else
		// (dots, '#') needs the bracket notation.
		return PLAIN_ID.matcher(listenerId).matches() ? "." + listenerId : "[" + listenerId + "]";
	}

	private <T> T bind(List<String> layers, String path, Supplier<T> factory) {
		T settings = factory.get();
		for (String layer : layers) {
			this.binder.bind(name(layer + "." + path), Bindable.ofInstance(settings));
		}
		return settings;
	}

	private <T> T value(String property, Class<T> type, T current) {
		BindResult<T> result = this.binder.bind(name(property), Bindable.of(type));
		return result.isBound() ? result.get() : current;
	}

	private static ConfigurationPropertyName name(String property) {
		int bracket = property.indexOf('[');
		if (bracket < 0) {
			return ConfigurationPropertyName.adapt(property, '.');
		}
		int close = property.indexOf(']', bracket);
		ConfigurationPropertyName name = ConfigurationPropertyName.adapt(property.substring(0, bracket), '.')
			.append(property.substring(bracket, close + 1));
		String rest = property.substring(close + 1);
		return rest.isEmpty() ? name : name.append(ConfigurationPropertyName.adapt(rest.substring(1), '.'));
	}

	/**
	 * The most specific property that sets a value, for messages that name the key to
	 * change.
	 * @param path the path below a layer, for example {@code dead-letter.topic}
	 * @return the property, or the client-wide one when no layer sets it
	 */
	public String propertyFor(String path) {
		for (int i = this.layers.size() - 1; i >= 0; i--) {
			String property = this.layers.get(i) + "." + path;
			if (this.binder.bind(name(property), Bindable.of(Object.class)).isBound()) {
				return property;
			}
		}
		return this.layers.get(0) + "." + path;
	}

	public String client() {
		return this.client;
	}

	public @Nullable String listenerId() {
		return this.listenerId;
	}

	public ConsumerReliabilityProperties.Retry retry() {
		return this.retry;
	}

	public ConsumerReliabilityProperties.DeadLetter deadLetter() {
		return this.deadLetter;
	}

	/**
	 * Whether the listener is deduplicated by configuration (the
	 * {@code @Deduplicated} annotation is found separately).
	 * @return whether it skips records it has processed
	 */
	public boolean deduplicate() {
		return this.deduplicate;
	}

	/**
	 * Whether the listener's container gets the starter's error handler when the
	 * application gave it none ({@code error-handling}).
	 * @return {@code false} to keep Spring Kafka's default
	 */
	public boolean errorHandling() {
		return this.errorHandling;
	}

	public boolean poisonPillSafety() {
		return this.poisonPillSafety;
	}

	public ConsumerReliabilityProperties.StaticMembership staticMembership() {
		return this.staticMembership;
	}

}
