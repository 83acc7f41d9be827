package io.github.kafkastarter.autoconfigure.client;

import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;

import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * Where a named client connects. Servers the client sets itself win; without them the
 * client follows the default client's connection, whatever provides it (configured
 * servers, a service connection, the dev broker). SSL bundle and security protocol come
 * from the client's effective properties, then from the default connection.
 */
final class NamedClientConnectionDetails implements KafkaConnectionDetails {

	private final String name;

	private final KafkaProperties properties;

	private final OwnServers ownServers;

	private final Supplier<KafkaConnectionDetails> defaults;

	private final Supplier<@Nullable SslBundles> sslBundles;

	NamedClientConnectionDetails(String name, KafkaProperties properties, OwnServers ownServers,
			Supplier<KafkaConnectionDetails> defaults, Supplier<@Nullable SslBundles> sslBundles) {
		this.name = name;
		this.properties = properties;
		this.ownServers = ownServers;
		this.defaults = defaults;
		this.sslBundles = sslBundles;
	}

	@Override
	public List<String> getBootstrapServers() {
		return (this.ownServers.common() != null) ? this.ownServers.common() : this.defaults.get().getBootstrapServers();
	}

	@Override
	public @Nullable SslBundle getSslBundle() {
		SslBundle bundle = bundle("ssl.bundle", this.properties.getSsl());
		return (bundle != null || this.ownServers.any()) ? bundle : this.defaults.get().getSslBundle();
	}

	@Override
	public @Nullable String getSecurityProtocol() {
		String protocol = this.properties.getSecurity().getProtocol();
		return (StringUtils.hasLength(protocol) || this.ownServers.any()) ? protocol
				: this.defaults.get().getSecurityProtocol();
	}

	@Override
	public Configuration getProducer() {
		return configuration(this.ownServers.producer(), this.defaults.get().getProducer(), "producer.ssl.bundle",
				this.properties.getProducer().getSsl(), this.properties.getProducer().getSecurity().getProtocol());
	}

	@Override
	public Configuration getConsumer() {
		return configuration(this.ownServers.consumer(), this.defaults.get().getConsumer(), "consumer.ssl.bundle",
				this.properties.getConsumer().getSsl(), this.properties.getConsumer().getSecurity().getProtocol());
	}

	@Override
	public Configuration getAdmin() {
		return configuration(null, this.defaults.get().getAdmin(), "admin.ssl.bundle",
				this.properties.getAdmin().getSsl(), this.properties.getAdmin().getSecurity().getProtocol());
	}

	@Override
	public Configuration getStreams() {
		return configuration(null, this.defaults.get().getStreams(), "streams.ssl.bundle",
				this.properties.getStreams().getSsl(), this.properties.getStreams().getSecurity().getProtocol());
	}

	private Configuration configuration(@Nullable List<String> ownSpecific, Configuration defaultConfiguration,
			String bundleProperty, KafkaProperties.Ssl ssl, @Nullable String protocol) {
		boolean followsDefault = !this.ownServers.any();
		List<String> servers = (ownSpecific != null) ? ownSpecific
				: (this.ownServers.common() != null) ? this.ownServers.common()
						: defaultConfiguration.getBootstrapServers();
		SslBundle bundle = bundle(bundleProperty, ssl);
		if (bundle == null) {
			bundle = bundle("ssl.bundle", this.properties.getSsl());
		}
		if (bundle == null && followsDefault) {
			bundle = defaultConfiguration.getSslBundle();
		}
		String securityProtocol = StringUtils.hasLength(protocol) ? protocol
				: this.properties.getSecurity().getProtocol();
		if (!StringUtils.hasLength(securityProtocol) && followsDefault) {
			securityProtocol = defaultConfiguration.getSecurityProtocol();
		}
		return Configuration.of(servers, bundle, securityProtocol);
	}

	private @Nullable SslBundle bundle(String property, KafkaProperties.Ssl ssl) {
		String bundleName = ssl.getBundle();
		if (!StringUtils.hasLength(bundleName)) {
			return null;
		}
		String fullProperty = KafkaClientNames.prefix(this.name) + "." + property;
		SslBundles bundles = this.sslBundles.get();
		if (bundles == null) {
			throw new KafkaStarterConfigurationException(fullProperty, bundleName,
					"Kafka client '" + this.name + "' names an SSL bundle, but the application has no SSL bundles.",
					"Define the bundle under 'spring.ssl.bundle.jks." + bundleName + "' or 'spring.ssl.bundle.pem."
							+ bundleName + "', or remove '" + fullProperty + "'.");
		}
		try {
			return bundles.getBundle(bundleName);
		}
		catch (NoSuchSslBundleException ex) {
			throw new KafkaStarterConfigurationException(fullProperty, bundleName,
					"Kafka client '" + this.name + "' names SSL bundle '" + bundleName + "', which is not defined.",
					"Define it under 'spring.ssl.bundle.jks." + bundleName + "' or 'spring.ssl.bundle.pem."
							+ bundleName + "', or name one of the defined bundles in '" + fullProperty + "'.");
		}
	}

	/**
	 * The bootstrap servers a named client sets itself (not inherited).
	 * @param common {@code bootstrap-servers}
	 * @param producer {@code producer.bootstrap-servers}
	 * @param consumer {@code consumer.bootstrap-servers}
	 */
	record OwnServers(@Nullable List<String> common, @Nullable List<String> producer,
			@Nullable List<String> consumer) {

		boolean any() {
			return this.common != null || this.producer != null || this.consumer != null;
		}

	}

}
