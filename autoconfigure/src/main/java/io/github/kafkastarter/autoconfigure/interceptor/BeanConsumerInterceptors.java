package io.github.kafkastarter.autoconfigure.interceptor;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer interceptor Kafka instantiates from {@code interceptor.classes}; it runs the
 * application's {@link ConsumerInterceptor} beans for its client, in order. Like Kafka's
 * own chain, a failing interceptor is logged and skipped.
 * <p>
 * The beans are Spring's: this class neither configures nor closes them.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class BeanConsumerInterceptors<K, V> implements ConsumerInterceptor<K, V> {

	/**
	 * The configuration key that carries the {@link InterceptorChain}.
	 */
	public static final String CHAIN_CONFIG = "kafka.starter.consumer-interceptor-chain";

	private static final Logger logger = LoggerFactory.getLogger(BeanConsumerInterceptors.class);

	private List<ConsumerInterceptor<K, V>> interceptors = List.of();

	@Override
	@SuppressWarnings("unchecked")
	public void configure(Map<String, ?> configs) {
		if (configs.get(CHAIN_CONFIG) instanceof InterceptorChain<?> chain) {
			this.interceptors = (List<ConsumerInterceptor<K, V>>) (List<?>) chain.interceptors();
		}
	}

	@Override
	public ConsumerRecords<K, V> onConsume(ConsumerRecords<K, V> records) {
		ConsumerRecords<K, V> intercepted = records;
		for (ConsumerInterceptor<K, V> interceptor : this.interceptors) {
			try {
				ConsumerRecords<K, V> result = interceptor.onConsume(intercepted);
				if (result != null) {
					intercepted = result;
				}
			}
			catch (Exception ex) {
				logger.warn("Consumer interceptor {} failed in onConsume; the records pass on without it",
						interceptor.getClass().getName(), ex);
			}
		}
		return intercepted;
	}

	@Override
	public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
		for (ConsumerInterceptor<K, V> interceptor : this.interceptors) {
			try {
				interceptor.onCommit(offsets);
			}
			catch (Exception ex) {
				logger.warn("Consumer interceptor {} failed in onCommit", interceptor.getClass().getName(), ex);
			}
		}
	}

	@Override
	public void close() {
	}

	List<ConsumerInterceptor<K, V>> interceptors() {
		return this.interceptors;
	}

}
