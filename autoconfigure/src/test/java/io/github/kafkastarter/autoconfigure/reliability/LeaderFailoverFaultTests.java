package io.github.kafkastarter.autoconfigure.reliability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.StartupFailures;
import io.github.kafkastarter.autoconfigure.support.TestClusters;
import io.github.kafkastarter.autoconfigure.support.TestKafka;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a cluster of three brokers: the start-up durability check reports a topic whose
 * min.insync.replicas lets the leader acknowledge alone; and the fault test, where the
 * leader of a partition is killed while records are sent with acks=all to a topic with
 * replication 3 and min.insync.replicas=2, and no acknowledged record is lost.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaderFailoverFaultTests {

	private static final String TOPIC = "failover";

	private static final int RECORDS = 30_000;

	private static TestKafka cluster;

	@BeforeAll
	static void startCluster() {
		cluster = TestClusters.start(3, Map.of());
		KafkaTopics.create(cluster.getBrokersAsString(), TOPIC, 3, 3, Map.of("min.insync.replicas", "2"));
		KafkaTopics.create(cluster.getBrokersAsString(), "weak", 3, 3, Map.of("min.insync.replicas", "1"));
	}

	@AfterAll
	static void stopCluster() {
		cluster.destroy();
	}

	@Test
	@Order(1)
	void aTopicWhoseLeaderAcknowledgesAloneIsReportedAtStartUp(CapturedOutput output) {
		runner().withUserConfiguration(WeakTopic.class).run((context) -> {
			assertThat(context).hasNotFailed();
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(output).contains("Kafka client 'default' sends with acks=all, but the "
						+ "cluster cannot honour it: Topic 'weak' has 3 replicas but min.insync.replicas=1"));
			assertThat(output).doesNotContain("Topic 'failover'");
		});
	}

	@Test
	@Order(2)
	void withVerifyDurabilityFailSuchATopicStopsStartUp(CapturedOutput output) {
		String report = StartupFailures.report(output, new Class<?>[] { WeakTopic.class },
				"spring.kafka.bootstrap-servers=" + cluster.getBrokersAsString(),
				"kafka.starter.producer.verify-durability=fail");
		assertThat(report).contains("kafka.starter.producer.verify-durability")
			.contains("Topic 'weak' has 3 replicas but min.insync.replicas=1")
			.contains("min.insync.replicas=2");
	}

	@Test
	@Order(3)
	void noAcknowledgedRecordIsLostWhenThePartitionLeaderDies() {
		String servers = cluster.getBrokersAsString();
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
			template.send(TOPIC, "warm-up", "0:-1").get(60, TimeUnit.SECONDS);
			KeyedStream stream = new KeyedStream(TOPIC, RECORDS, 300);
			Thread sender = stream.start(template, 3_000);
			await().atMost(Duration.ofMinutes(2)).until(() -> stream.acknowledged.get() >= 8_000);
			int leader = KafkaTopics.describe(servers, TOPIC).partitions().get(0).leader().id();
			BrokerServer broker = cluster.getCluster().brokers().get(leader);
			int killedAt = stream.acknowledged.get();
			broker.shutdown();
			broker.awaitShutdown();
			int newLeader = await().atMost(Duration.ofSeconds(60))
				.until(() -> KafkaTopics.describe(servers, TOPIC).partitions().get(0).leader().id(),
						(id) -> id != leader);
			await().atMost(Duration.ofMinutes(3)).until(stream::allCompleted);
			sender.join();
			KeyedStream.Verification verification = stream.verify(KafkaTopics.readAll(servers, TOPIC)
				.stream()
				.filter((record) -> !new String(record.value()).equals("0:-1"))
				.toList());
			System.out.printf("FAULT leader-failover: brokers=3 replication=3 min.insync.replicas=2 acks=all "
					+ "killed-leader=%d new-leader=%d acknowledged-when-killed=%d sent=%d acknowledged=%d failed=%d "
					+ "received=%d duplicates=%d acknowledged-missing=%d order-violations=%d%n", leader, newLeader,
					killedAt, stream.sent.get(), stream.acknowledged.get(), stream.failed.get(),
					verification.received(), verification.duplicates(), verification.acknowledgedMissing(),
					verification.orderViolations());
			assertThat(stream.sent.get()).isEqualTo(RECORDS);
			assertThat(stream.failed.get()).as("failures %s", stream.failures).isZero();
			assertThat(verification.acknowledgedMissing()).isZero();
			assertThat(verification.duplicates()).isZero();
			assertThat(verification.orderViolations()).isZero();
			broker.startup();
		});
	}

	private static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					AutoConfigs.CLIENTS, AutoConfigs.PRODUCER,
						AutoConfigs.ERROR_HANDLING, AutoConfigs.MEMBERSHIP,
						AutoConfigs.POISON_PILLS))
			.withPropertyValues("spring.kafka.bootstrap-servers=" + cluster.getBrokersAsString());
	}

	@Configuration(proxyBeanMethods = false)
	static class WeakTopic {

		@Bean
		NewTopic weak() {
			return new NewTopic("weak", 3, (short) 3);
		}

		@Bean
		NewTopic failover() {
			return new NewTopic(TOPIC, 3, (short) 3);
		}

	}

}
