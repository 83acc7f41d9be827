package io.github.kafkastarter.autoconfigure.actuate;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code kafka} endpoint's write operation over HTTP answers {@code 404} for a
 * container id it does not know, rather than the {@code 204} of an operation that
 * returned nothing; its record operations answer {@code 403} with the reason when records
 * are off, and {@code 503} when the brokers could not be read or written.
 */
@EndpointWebExtension(endpoint = KafkaEndpoint.class)
class KafkaEndpointWebExtension {

	private final KafkaEndpoint endpoint;

	KafkaEndpointWebExtension(KafkaEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Pauses, resumes, stops or starts a listener container.
	 * @param id the listener id
	 * @param action what to do
	 * @return the container afterwards, or 404
	 */
	@WriteOperation
	public WebEndpointResponse<KafkaEndpoint.ContainerDescriptor> operate(@Selector String id,
			KafkaEndpoint.ContainerAction action) {
		KafkaEndpoint.ContainerDescriptor container = this.endpoint.operate(id, action);
		return (container != null) ? new WebEndpointResponse<>(container)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * The last records of a partition.
	 * @param view {@code records}
	 * @param client the client
	 * @param topic the topic
	 * @param partition the partition
	 * @param limit how many records at most
	 * @return the records, 403 when records are off, 404 for an unknown view or client
	 */
	@ReadOperation
	public WebEndpointResponse<Object> records(@Selector String view, @Selector String client, @Selector String topic,
			@Selector int partition, @Nullable Integer limit) {
		if (!this.endpoint.recordsEnabled()) {
			return recordsOff();
		}
		KafkaEndpoint.RecordsDescriptor records = this.endpoint.records(view, client, topic, partition, limit);
		if (records == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(records, (records.error() != null) ? 503 : WebEndpointResponse.STATUS_OK);
	}

	/**
	 * Sends a record.
	 * @param view {@code records}
	 * @param client the client
	 * @param topic the topic
	 * @param key the key
	 * @param value the value
	 * @param headers the headers
	 * @param partition the partition
	 * @return where it was written, 403 when records are off, 404 for an unknown view or
	 * client
	 */
	@WriteOperation
	public WebEndpointResponse<Object> send(@Selector String view, @Selector String client, @Selector String topic,
			@Nullable String key, @Nullable String value, @Nullable String headers,
			@Nullable Integer partition) {
		if (!this.endpoint.recordsEnabled()) {
			return recordsOff();
		}
		KafkaEndpoint.SentRecordDescriptor sent = this.endpoint.send(view, client, topic, key, value, headers,
				partition);
		if (sent == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(sent, (sent.error() != null) ? 503 : WebEndpointResponse.STATUS_OK);
	}

	private static WebEndpointResponse<Object> recordsOff() {
		return new WebEndpointResponse<>(Map.of("error", KafkaEndpoint.ConsoleSettings.RECORDS_OFF), 403);
	}

}
