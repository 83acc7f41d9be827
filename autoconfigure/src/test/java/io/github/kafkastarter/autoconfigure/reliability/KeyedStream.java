package io.github.kafkastarter.autoconfigure.reliability;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.core.KafkaTemplate;

/**
 * A stream of keyed records for fault tests: value {@code <key>:<sequence>}, each key's
 * sequence counting up, sent at a steady rate, every outcome recorded; then checked
 * against what the topic holds.
 */
final class KeyedStream {

	private final String topic;

	private final int records;

	private final int keys;

	final AtomicInteger sent = new AtomicInteger();

	final AtomicInteger acknowledged = new AtomicInteger();

	final AtomicInteger failed = new AtomicInteger();

	final Set<String> acknowledgedValues = ConcurrentHashMap.newKeySet();

	final Set<String> failedValues = ConcurrentHashMap.newKeySet();

	final Map<Class<?>, Integer> failures = new ConcurrentHashMap<>();

	KeyedStream(String topic, int records, int keys) {
		this.topic = topic;
		this.records = records;
		this.keys = keys;
	}

	/**
	 * Sends every record from a thread of its own, at a steady rate (the rate shapes the
	 * scenario: records keep coming while the fault happens).
	 * @param template the template
	 * @param perSecond records per second
	 * @return the sending thread, started
	 */
	Thread start(KafkaTemplate<String, String> template, int perSecond) {
		Thread sender = new Thread(() -> {
			long start = System.nanoTime();
			for (int i = 0; i < this.records; i++) {
				long due = start + (long) i * TimeUnit.SECONDS.toNanos(1) / perSecond;
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				int key = i % this.keys;
				String value = key + ":" + (i / this.keys);
				try {
					template.send(this.topic, "key-" + key, value).whenComplete((result, exception) -> {
						if (exception == null) {
							this.acknowledgedValues.add(value);
							this.acknowledged.incrementAndGet();
						}
						else {
							failed(value, exception);
						}
					});
				}
				catch (RuntimeException ex) {
					// Kafka blocks a send for max.block.ms while it has no metadata, then
					// throws: as visible as a failed future.
					failed(value, ex);
				}
				this.sent.incrementAndGet();
			}
		}, "keyed-stream-" + this.topic);
		sender.start();
		return sender;
	}

	private void failed(String value, Throwable exception) {
		this.failedValues.add(value);
		this.failures.merge(rootCause(exception).getClass(), 1, Integer::sum);
		this.failed.incrementAndGet();
	}

	boolean allCompleted() {
		return this.sent.get() == this.records && this.acknowledged.get() + this.failed.get() == this.records;
	}

	/**
	 * Checks what the topic holds.
	 * @param stored the topic's records
	 * @return the counts
	 */
	Verification verify(List<ConsumerRecord<byte[], byte[]>> stored) {
		Map<String, Integer> occurrences = new HashMap<>();
		Map<String, Integer> lastSequence = new HashMap<>();
		int orderViolations = 0;
		List<ConsumerRecord<byte[], byte[]>> inOrder = stored.stream()
			.sorted(Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
				.thenComparingLong(ConsumerRecord::offset))
			.toList();
		for (ConsumerRecord<byte[], byte[]> record : inOrder) {
			String value = new String(record.value(), StandardCharsets.UTF_8);
			occurrences.merge(value, 1, Integer::sum);
			String[] parts = value.split(":");
			int sequence = Integer.parseInt(parts[1]);
			Integer previous = lastSequence.put(parts[0], sequence);
			if (previous != null && sequence <= previous) {
				orderViolations++;
			}
		}
		int duplicates = occurrences.values().stream().mapToInt((count) -> count - 1).sum();
		long acknowledgedMissing = this.acknowledgedValues.stream()
			.filter((value) -> !occurrences.containsKey(value))
			.count();
		long failedButStored = this.failedValues.stream().filter(occurrences::containsKey).count();
		return new Verification(stored.size(), duplicates, acknowledgedMissing, orderViolations, failedButStored);
	}

	private static Throwable rootCause(Throwable exception) {
		Throwable cause = exception;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

	record Verification(int received, int duplicates, long acknowledgedMissing, int orderViolations,
			long failedButStored) {

	}

}
