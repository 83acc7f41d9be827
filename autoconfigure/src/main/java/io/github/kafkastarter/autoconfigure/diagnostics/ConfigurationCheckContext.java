package io.github.kafkastarter.autoconfigure.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.kafkastarter.autoconfigure.client.KafkaClientNames;

import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.Environment;

/**
 * What a {@link ConfigurationCheck} reads: the environment, and the property prefix of
 * every client ({@code spring.kafka} for the default one, {@code kafka.starter.clients.<name>}
 * for each named one).
 */
final class ConfigurationCheckContext {

	private final Environment environment;

	private final Binder binder;

	private final List<ClientPrefix> clients;

	ConfigurationCheckContext(Environment environment) {
		this.environment = environment;
		this.binder = Binder.get(environment);
		List<ClientPrefix> clients = new ArrayList<>();
		clients.add(new ClientPrefix("default", "spring.kafka"));
		for (String name : KafkaClientNames.declared(this.binder)) {
			clients.add(new ClientPrefix(name, KafkaClientNames.prefix(name)));
		}
		this.clients = List.copyOf(clients);
	}

	Environment environment() {
		return this.environment;
	}

	Binder binder() {
		return this.binder;
	}

	List<ClientPrefix> clients() {
		return this.clients;
	}

	<T> Optional<T> bind(String property, Bindable<T> bindable) {
		BindResult<T> result = this.binder.bind(ConfigurationPropertyName.adapt(property, '.'), bindable);
		return result.isBound() ? Optional.of(result.get()) : Optional.empty();
	}

	/**
	 * Where one client's {@code spring.kafka}-shaped properties live.
	 * @param name the client name
	 * @param prefix the property prefix
	 */
	record ClientPrefix(String name, String prefix) {

		String property(String path) {
			return this.prefix + "." + path;
		}

	}

}
