package io.github.kafkastarter.autoconfigure.interceptor;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer interceptor Kafka instantiates from {@code interceptor.classes}; it runs the
 * application's {@link ProducerInterceptor} beans for its client, in order. Like Kafka's
 * own chain, a failing interceptor is logged and skipped, never failing the send.
 * <p>
 * The beans are Spring's: this class neither configures nor closes them.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class BeanProducerInterceptors<K, V> implements ProducerInterceptor<K, V> {

	/**
	 * The configuration key that carries the {@link InterceptorChain}.
	 */
	public static final String CHAIN_CONFIG = "kafka.starter.producer-interceptor-chain";

	private static final Logger logger = LoggerFactory.getLogger(BeanProducerInterceptors.class);

	private List<ProducerInterceptor<K, V>> interceptors = List.of();

	@Override
	@SuppressWarnings("unchecked")
	public void configure(Map<String, ?> configs) {
		if (configs.get(CHAIN_CONFIG) instanceof InterceptorChain<?> chain) {
			this.interceptors = (List<ProducerInterceptor<K, V>>) (List<?>) chain.interceptors();
		}
	}

	@Override
	public ProducerRecord<K, V> onSend(ProducerRecord<K, V> record) {
		ProducerRecord<K, V> intercepted = record;
		for (ProducerInterceptor<K, V> interceptor : this.interceptors) {
			try {
				ProducerRecord<K, V> result = interceptor.onSend(intercepted);
				if (result != null) {
					intercepted = result;
				}
			}
			catch (Exception ex) {
				logger.warn("Producer interceptor {} failed in onSend for topic {}; the record is sent without it",
						interceptor.getClass().getName(), record.topic(), ex);
			}
		}
		return intercepted;
	}

	@Override
	public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
		for (ProducerInterceptor<K, V> interceptor : this.interceptors) {
			try {
				interceptor.onAcknowledgement(metadata, exception);
			}
			catch (Exception ex) {
				logger.warn("Producer interceptor {} failed in onAcknowledgement", interceptor.getClass().getName(), ex);
			}
		}
	}

	@Override
	public void close() {
	}

	List<ProducerInterceptor<K, V>> interceptors() {
		return this.interceptors;
	}

}
