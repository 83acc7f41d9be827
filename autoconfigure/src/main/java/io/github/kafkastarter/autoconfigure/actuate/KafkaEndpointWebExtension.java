package io.github.kafkastarter.autoconfigure.actuate;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code kafka} endpoint's write operation over HTTP answers {@code 404} for a
 * container id it does not know, rather than the {@code 204} of an operation that
 * returned nothing.
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

}
