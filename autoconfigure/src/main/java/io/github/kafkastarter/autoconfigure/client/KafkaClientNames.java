package io.github.kafkastarter.autoconfigure.client;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Reads the named clients from the environment and binds their effective properties.
 */
public final class KafkaClientNames {

	/**
	 * Where named clients are configured.
	 */
	public static final String CLIENTS_PREFIX = "kafka.starter.clients";

	private static final Pattern VALID_NAME = Pattern.compile("[a-z][a-zA-Z0-9]*");

	private KafkaClientNames() {
	}

	/**
	 * The keys under {@code kafka.starter.clients}, in the order they were declared, as
	 * written (not yet validated).
	 * @param binder the binder over the environment
	 * @return the client keys
	 */
	public static Set<String> declared(Binder binder) {
		// Bound as plain maps, so a client that only sets starter keys (such as
		// producer.profile) is found too.
		Map<String, Object> clients = binder.bind(CLIENTS_PREFIX, Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		Map<String, String> byRelaxedName = new LinkedHashMap<>();
		for (String name : clients.keySet()) {
			// 'analyticsEu' in YAML and ANALYTICSEU in the environment are one client to
			// Boot's relaxed binding; keep the spelling that can name beans.
			String relaxed = name.toLowerCase(Locale.ROOT).replace("-", "");
			String known = byRelaxedName.get(relaxed);
			if (known == null || (!isValid(known) && isValid(name))
					|| (isValid(name) && !name.equals(name.toLowerCase(Locale.ROOT)))) {
				byRelaxedName.put(relaxed, name);
			}
		}
		return new LinkedHashSet<>(byRelaxedName.values());
	}

	/**
	 * Whether a key can prefix bean names such as {@code <name>KafkaTemplate}: a lowercase
	 * letter, then letters and digits, and not {@value KafkaClients#DEFAULT_CLIENT}.
	 * @param name the key
	 * @return whether it is usable
	 */
	public static boolean isValid(String name) {
		return VALID_NAME.matcher(name).matches() && !KafkaClients.DEFAULT_CLIENT.equals(name);
	}

	/**
	 * A valid name to suggest in place of an invalid one.
	 * @param name the invalid key
	 * @return a suggestion, for example {@code analyticsEu} for {@code analytics-eu}
	 */
	public static String suggest(String name) {
		StringBuilder result = new StringBuilder();
		boolean upperNext = false;
		for (char c : name.toCharArray()) {
			if (Character.isLetterOrDigit(c) && c < 128) {
				if (result.isEmpty()) {
					if (Character.isLetter(c)) {
						result.append(Character.toLowerCase(c));
					}
				}
				else {
					result.append(upperNext ? Character.toUpperCase(c) : c);
				}
				upperNext = false;
			}
			else {
				upperNext = !result.isEmpty();
			}
		}
		String suggestion = result.isEmpty() ? "client" : result.toString();
		return KafkaClients.DEFAULT_CLIENT.equals(suggestion) ? "defaultCluster" : suggestion;
	}

	/**
	 * The start-up failure for an unusable client key.
	 * @param name the key
	 * @return the exception to throw
	 */
	public static KafkaStarterConfigurationException invalidName(String name) {
		String suggestion = suggest(name);
		return new KafkaStarterConfigurationException(prefix(name), name,
				"A named client's key prefixes its bean names (such as '" + name
						+ "KafkaTemplate'), so it must start with a lowercase letter, hold only letters and digits, "
						+ "and not be 'default', which is Spring Boot's own client.",
				"Rename the client, for example to '" + suggestion + "' (" + CLIENTS_PREFIX + "." + suggestion
						+ ".bootstrap-servers=...), and refer to its beans as '" + suggestion
						+ "KafkaTemplate', '" + suggestion + "KafkaListenerContainerFactory' and so on.");
	}

	/**
	 * The property prefix of a named client.
	 * @param name the client name
	 * @return {@code kafka.starter.clients.<name>}
	 */
	public static String prefix(String name) {
		return CLIENTS_PREFIX + "." + name;
	}

	/**
	 * Binds a named client's effective properties: every {@code spring.kafka} value, with
	 * the client's own values on top (maps are merged key by key, lists replaced).
	 * @param binder the binder over the environment
	 * @param name a valid client name
	 * @return the effective properties
	 */
	public static KafkaProperties bindEffective(Binder binder, String name) {
		KafkaProperties properties = binder.bind("spring.kafka", KafkaProperties.class)
			.orElseGet(KafkaProperties::new);
		binder.bind(clientName(name), Bindable.ofInstance(properties));
		return properties;
	}

	/**
	 * Binds a value the named client sets itself, ignoring what it would inherit.
	 * @param binder the binder over the environment
	 * @param name a valid client name
	 * @param path the path below the client, for example {@code bootstrap-servers}
	 * @return the client's own value, or {@code null}
	 */
	public static @Nullable List<String> ownList(Binder binder, String name, String path) {
		return binder.bind(clientName(name).append(path), Bindable.listOf(String.class)).orElse(null);
	}

	private static ConfigurationPropertyName clientName(String name) {
		// adapt() matches keys the way Boot's relaxed binding writes them (case and dashes).
		return ConfigurationPropertyName.adapt(prefix(name), '.');
	}

}
