package io.github.kafkastarter.autoconfigure.actuate;

import io.github.kafkastarter.autoconfigure.diagnostics.ValidatedSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Kafka console: a web page over the {@code kafka} actuator endpoint, served when the
 * endpoint is exposed over HTTP. Who may read it and operate listeners is the endpoint's
 * business ({@code management.endpoints.web.exposure.include},
 * {@code management.endpoint.kafka.access}, Spring Security).
 */
@ConfigurationProperties("kafka.starter.console")
public class KafkaConsoleProperties implements ValidatedSettings {

	/**
	 * Whether to serve the Kafka console page when the kafka actuator endpoint is exposed
	 * over HTTP in a servlet web application.
	 */
	private boolean enabled = true;

	/**
	 * Where the Kafka console page is served, relative to the dispatcher servlet.
	 */
	private String path = "/kafka-console";

	/**
	 * Whether the kafka actuator endpoint reads the records of topics and sends records
	 * (the console's record view and send form). Records can hold personal data: on by
	 * default only when the dev broker runs. Sending also needs
	 * management.endpoint.kafka.access=unrestricted.
	 */
	private @Nullable Boolean records;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public @Nullable Boolean getRecords() {
		return this.records;
	}

	public void setRecords(@Nullable Boolean records) {
		this.records = records;
	}

	@Override
	public void validate(String prefix) {
		String path = this.path;
		ValidatedSettings.require(path != null && path.matches("(/[A-Za-z0-9._~-]+)+"), prefix + ".path", path,
				"The console needs a path of its own below the root, of plain path segments.",
				"Set '" + prefix + ".path' to a path such as /kafka-console, or remove it for the default.");
	}

}
