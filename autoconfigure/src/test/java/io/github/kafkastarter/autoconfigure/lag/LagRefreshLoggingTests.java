package io.github.kafkastarter.autoconfigure.lag;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the lag monitor says when a refresh fails: at start-up, a broker may still be loading
 * its group coordinators and time the first refresh out, which is no cause for a warning
 * unless the next refresh fails too.
 */
@ExtendWith(OutputCaptureExtension.class)
class LagRefreshLoggingTests {

	private static final String WARNING = "Could not read the consumer lag of Kafka client 'logging'";

	@Test
	void aFailedFirstRefreshIsNoWarningUnlessTheNextOneFailsToo(CapturedOutput output) {
		String servers = TestBrokers.shared().getBrokersAsString();
		AtomicInteger failuresLeft = new AtomicInteger(2);
		AtomicReference<Admin> admin = new AtomicReference<>();
		AdminLagMonitor monitor = new AdminLagMonitor("logging", new LagProperties(),
				() -> Map.of("lag-logging", new WatchedGroup(Set.of(), Set.of())), () -> {
					if (failuresLeft.getAndDecrement() > 0) {
						throw new KafkaException("broker still starting");
					}
					return admin.updateAndGet((created) -> (created != null) ? created
							: Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers)));
				}, () -> Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
				() -> IsolationLevel.READ_UNCOMMITTED);
		try {
			monitor.refresh();
			assertThat(monitor.snapshot().stale()).isTrue();
			assertThat(output).contains("Consumer lag of Kafka client 'logging' not read yet: KafkaException: "
					+ "broker still starting").doesNotContain(WARNING);
			monitor.refresh();
			assertThat(output).contains(WARNING);
			monitor.refresh();
			assertThat(monitor.snapshot().stale()).as("stale: %s", monitor.snapshot().lastError()).isFalse();
			assertThat(output).contains("Consumer lag of Kafka client 'logging' is read again");
		}
		finally {
			monitor.close();
			if (admin.get() != null) {
				admin.get().close();
			}
		}
	}

}
