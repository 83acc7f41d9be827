package io.github.kafkastarter.autoconfigure.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.TestKafka;
import kafka.server.BrokerServer;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault test: 100,000 keyed records are sent with the durable profile while the broker is
 * down for 10 seconds. Every acknowledged record is stored exactly once, each key's
 * records in order; sends that cannot be delivered within their delivery timeout fail
 * their future, visibly.
 */
class BrokerOutageFaultTests {

	private static final String TOPIC = "outage";

	private static final int RECORDS = 100_000;

	private static final int PROBES = 10;

	private static TestKafka cluster;

	@BeforeAll
	static void startCluster() {
		cluster = TestBrokers.start(1, Map.of());
	}

	@AfterAll
	static void stopCluster() {
		cluster.destroy();
	}

	@Test
	void acknowledgedSendsSurviveABrokerOutageExactlyOnceAndInOrder() {
		String servers = cluster.getBrokersAsString();
		KafkaTopics.create(servers, TOPIC, 4, 1, Map.of());
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.PRODUCER,
						AutoConfigs.ERROR_HANDLING, AutoConfigs.MEMBERSHIP,
						AutoConfigs.POISON_PILLS))
			.withPropertyValues("spring.kafka.bootstrap-servers=" + servers,
					"kafka.starter.producer.verify-durability=off",
					// A client that gives up quickly, to show what a failed send looks like.
					"kafka.starter.clients.impatient.producer.properties.delivery.timeout.ms=3000",
					"kafka.starter.clients.impatient.producer.properties.request.timeout.ms=1000",
					"kafka.starter.clients.impatient.producer.properties.max.block.ms=500")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
				KafkaTemplate<String, String> impatient = context.getBean(KafkaClients.class)
					.get("impatient")
					.template();
				template.send(TOPIC, "warm-up", "0:-1").get(60, TimeUnit.SECONDS);
				impatient.send(TOPIC, "warm-up", "0:-1").get(60, TimeUnit.SECONDS);
				KeyedStream stream = new KeyedStream(TOPIC, RECORDS, 1_000);
				Thread sender = stream.start(template, 4_000);
				await().atMost(Duration.ofMinutes(2)).until(() -> stream.acknowledged.get() >= 20_000);
				long down = System.nanoTime();
				BrokerServer broker = cluster.getCluster().brokers().values().iterator().next();
				broker.shutdown();
				broker.awaitShutdown();
				// Sent while the broker is down by a client with short timeouts: each fails,
				// either from send() (no metadata within max.block.ms) or through its future
				// (not delivered within delivery.timeout.ms), never silently.
				List<CompletableFuture<SendResult<String, String>>> probes = new ArrayList<>();
				int probesThrown = 0;
				for (int i = 0; i < PROBES; i++) {
					try {
						probes.add(impatient.send(TOPIC, "probe-" + i, "probe"));
					}
					catch (KafkaException ex) {
						probesThrown++;
					}
				}
				await().atMost(Duration.ofSeconds(30))
					.until(() -> probes.stream().allMatch(CompletableFuture::isDone));
				long probesFailed = probesThrown + probes.stream()
					.map((probe) -> probe.handle((result, exception) -> exception).join())
					.filter((exception) -> exception != null && exception.getCause() instanceof TimeoutException)
					.count();
				// The outage itself is the scenario: the broker stays down for 10 seconds.
				long remaining = TimeUnit.SECONDS.toNanos(10) - (System.nanoTime() - down);
				if (remaining > 0) {
					Thread.sleep(TimeUnit.NANOSECONDS.toMillis(remaining));
				}
				long sentDuringOutage = stream.sent.get();
				broker.startup();
				await().atMost(Duration.ofMinutes(3)).until(stream::allCompleted);
				sender.join();
				KeyedStream.Verification verification = stream
					.verify(KafkaTopics.readAll(servers, TOPIC)
						.stream()
						.filter((record) -> !new String(record.value()).equals("probe")
								&& !new String(record.value()).equals("0:-1"))
						.toList());
				System.out.printf("FAULT broker-outage: sent=%d acknowledged=%d failed=%d received=%d duplicates=%d "
						+ "acknowledged-missing=%d order-violations=%d failed-but-stored=%d sent-before-restart=%d "
						+ "outage=10s probe-sends-failed-visibly=%d/%d%n", stream.sent.get(),
						stream.acknowledged.get(), stream.failed.get(), verification.received(),
						verification.duplicates(), verification.acknowledgedMissing(), verification.orderViolations(),
						verification.failedButStored(), sentDuringOutage, probesFailed, PROBES);
				assertThat(stream.sent.get()).isEqualTo(RECORDS);
				// Two minutes of delivery timeout outlast a ten-second outage: nothing fails.
				assertThat(stream.failed.get()).as("failures %s", stream.failures).isZero();
				assertThat(verification.acknowledgedMissing()).isZero();
				assertThat(verification.duplicates()).isZero();
				assertThat(verification.orderViolations()).isZero();
				assertThat(verification.received()).isEqualTo(stream.acknowledged.get());
				assertThat(probesFailed).isEqualTo(PROBES);
			});
	}

}
