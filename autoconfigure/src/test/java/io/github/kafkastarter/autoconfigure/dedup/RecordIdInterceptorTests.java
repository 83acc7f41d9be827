package io.github.kafkastarter.autoconfigure.dedup;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Record ids: stamped unless present, unique, URL-safe.
 */
class RecordIdInterceptorTests {

	@Test
	void stampsAUniqueIdUnlessTheRecordHasOne() {
		RecordIdInterceptor interceptor = new RecordIdInterceptor();
		interceptor.configure(Map.of(RecordIdInterceptor.HEADER_CONFIG, "id"));
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			ProducerRecord<Object, Object> record = interceptor.onSend(new ProducerRecord<>("t", "v"));
			String id = new String(record.headers().lastHeader("id").value(), StandardCharsets.US_ASCII);
			assertThat(id).hasSize(22).matches("[A-Za-z0-9_-]+");
			ids.add(id);
		}
		assertThat(ids).hasSize(10_000);
		ProducerRecord<Object, Object> own = new ProducerRecord<>("t", "v");
		own.headers().add("id", "order-42".getBytes(StandardCharsets.UTF_8));
		assertThat(interceptor.onSend(own).headers().headers("id")).hasSize(1);
		// Another producer starts from another random prefix.
		assertThat(new RecordIdInterceptor().nextId()).isNotEqualTo(interceptor.nextId());
	}

}
