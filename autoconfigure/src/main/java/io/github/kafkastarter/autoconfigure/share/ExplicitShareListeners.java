package io.github.kafkastarter.autoconfigure.share;

import java.lang.reflect.Method;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;

import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpoint;
import org.springframework.kafka.config.MethodKafkaListenerEndpoint;
import org.springframework.kafka.config.MultiMethodKafkaListenerEndpoint;
import org.springframework.kafka.listener.AcknowledgingShareConsumerAwareMessageListener;
import org.springframework.kafka.listener.ContainerProperties.ShareAckMode;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.ShareKafkaMessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.ShareAcknowledgment;

/**
 * Gives a {@code @KafkaListener} share container in EXPLICIT mode a plain record listener.
 * In that mode the container acknowledges every record itself (accepted when the method
 * returns, the on-failure action when it throws), and a method never receives a
 * {@link ShareAcknowledgment}. Spring Kafka's listener adapter implements the acknowledging
 * listener interface all the same, for the modes that need it, and the container warns at
 * every start that its acknowledgment argument will be null, whatever the method declares.
 * <p>
 * A method that cannot tell the difference gets the adapter behind a plain
 * {@link MessageListener}, which the container calls with the record alone and acknowledges
 * exactly as before: one that returns nothing and declares no acknowledgment, no consumer
 * and no listener error handler (the adapter hands those the consumer). Any other keeps the
 * adapter as it is, and the warning, which then says something the application should know.
 */
final class ExplicitShareListeners {

	private ExplicitShareListeners() {
	}

	/**
	 * Replaces the container's listener where it can be done without a change of behaviour.
	 * @param container the container just created for the endpoint
	 * @param endpoint the endpoint
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	static void adapt(ShareKafkaMessageListenerContainer<?, ?> container, KafkaListenerEndpoint endpoint) {
		if (container.getContainerProperties().getShareAckMode() != ShareAckMode.EXPLICIT
				|| !(container.getContainerProperties()
					.getMessageListener() instanceof AcknowledgingShareConsumerAwareMessageListener adapter)
				|| !(endpoint instanceof MethodKafkaListenerEndpoint<?, ?> methodEndpoint)
				|| endpoint instanceof MultiMethodKafkaListenerEndpoint<?, ?>
				|| !needsNoMoreThanTheRecord(methodEndpoint.getMethod())) {
			return;
		}
		MessageListener<Object, Object> plain = (record) -> adapter.onShareRecord((ConsumerRecord) record, null,
				null);
		((ShareKafkaMessageListenerContainer) container).setupMessageListener(plain);
	}

	private static boolean needsNoMoreThanTheRecord(Method method) {
		if (method == null || method.getReturnType() != void.class) {
			return false;
		}
		for (Class<?> type : method.getParameterTypes()) {
			if (ShareAcknowledgment.class.isAssignableFrom(type) || Acknowledgment.class.isAssignableFrom(type)
					|| ShareConsumer.class.isAssignableFrom(type) || Consumer.class.isAssignableFrom(type)) {
				return false;
			}
		}
		return MergedAnnotations.from(method)
			.stream(KafkaListener.class)
			.allMatch((listener) -> listener.getString("errorHandler").isEmpty());
	}

}
