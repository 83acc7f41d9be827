package io.github.kafkastarter.autoconfigure.dedup;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Stamps every record a producer sends with a unique id header (by default
 * {@value #DEFAULT_HEADER}), unless the record carries one already, so that a
 * deduplicated listener can tell a record it has processed from a new one, whatever
 * Kafka redelivers, at whatever offset. Kafka creates it from {@code interceptor.classes};
 * the starter lists it on the producers {@code kafka.starter.producer.record-ids} names
 * (by default those that are not idempotent).
 * <p>
 * An id is 22 URL-safe characters (128 bits): 64 random bits drawn once per producer and a
 * 64-bit counter, so making one costs no random number and no lock.
 */
public class RecordIdInterceptor implements ProducerInterceptor<Object, Object> {

	/**
	 * The configuration key that names the header.
	 */
	public static final String HEADER_CONFIG = "kafka.starter.record-id.header";

	/**
	 * The header name unless configured otherwise.
	 */
	public static final String DEFAULT_HEADER = "record-id";

	private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private final long prefix;

	private final AtomicLong counter;

	private String header = DEFAULT_HEADER;

	public RecordIdInterceptor() {
		SecureRandom random = new SecureRandom();
		this.prefix = random.nextLong();
		this.counter = new AtomicLong(random.nextLong());
	}

	@Override
	public void configure(Map<String, ?> configs) {
		Object header = configs.get(HEADER_CONFIG);
		if (header != null && !header.toString().isBlank()) {
			this.header = header.toString().trim();
		}
	}

	@Override
	public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
		Header existing = record.headers().lastHeader(this.header);
		if (existing == null) {
			try {
				record.headers().add(this.header, nextId());
			}
			catch (IllegalStateException ex) {
				// Read-only headers: a record sent a second time keeps what it had.
			}
		}
		return record;
	}

	/**
	 * A new id.
	 * @return 22 ASCII bytes
	 */
	byte[] nextId() {
		long high = this.prefix;
		long low = this.counter.getAndIncrement();
		byte[] id = new byte[22];
		// Eleven 6-bit characters per 64-bit word.
		encode(high, id, 0);
		encode(low, id, 11);
		return id;
	}

	private static void encode(long value, byte[] target, int offset) {
		long remaining = value;
		for (int i = 10; i >= 0; i--) {
			target[offset + i] = ALPHABET[(int) (remaining & 0x3F)];
			remaining >>>= 6;
		}
	}

	@Override
	public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
	}

	@Override
	public void close() {
	}

}
