package io.github.kafkastarter.autoconfigure.reliability;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.dedup.Deduplication;
import io.github.kafkastarter.autoconfigure.dedup.RecordIdInterceptor;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault test: a consumer is killed mid-batch (SIGKILL of its JVM: no commit, no
 * goodbye) and started again. Nothing is lost, and with deduplication on (the JDBC store,
 * in the database that holds the listener's side effect) every record's side effect
 * happens exactly once, although Kafka delivers the uncommitted records again.
 */
class ConsumerCrashFaultTests {

	private static final int RECORDS = 4_000;

	@Test
	void aConsumerKilledMidBatchLosesNothingAndDeduplicationKeepsEffectsExactlyOnce() throws Exception {
		String servers = TestBrokers.shared().getBrokersAsString();
		KafkaTopics.create(servers, CrashingConsumerApplication.TOPIC, 2, 1, Map.of());
		Server database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		try {
			String url = "jdbc:h2:tcp://localhost:" + database.getPort() + "/mem:crash-" + UUID.randomUUID()
					+ ";DB_CLOSE_DELAY=-1";
			JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(url));
			jdbc.execute("CREATE TABLE effects (record_value VARCHAR(64) NOT NULL)");
			produce(servers);
			List<String> args = List.of("--spring.kafka.bootstrap-servers=" + servers, "--crash.database=" + url,
					"--spring.kafka.consumer.auto-offset-reset=earliest", "--spring.kafka.consumer.max-poll-records=200",
					// A dead member leaves the group when its session times out: keep it short.
					"--spring.kafka.consumer.properties.session.timeout.ms=6000",
					"--spring.kafka.consumer.heartbeat-interval=1s", "--kafka.starter.producer.verify-durability=off");
			// The first consumer stops in the middle of a poll once a quarter is done.
			List<String> holding = new java.util.ArrayList<>(args);
			holding.add("--crash.hold-after=" + RECORDS / 4);
			Process consumer = startConsumer(holding);
			try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
				try {
					// Mid-batch: records processed since the last commit, and no more coming.
					await().atMost(Duration.ofMinutes(2))
						.pollInterval(Duration.ofMillis(100))
						.until(() -> {
							int effects = count(jdbc, "COUNT(*)");
							return effects >= RECORDS / 4 && effects - committed(admin) >= 1;
						});
				}
				finally {
					// SIGKILL: the consumer commits nothing more and does not leave its group.
					consumer.destroyForcibly();
					assertThat(consumer.waitFor(30, TimeUnit.SECONDS)).isTrue();
				}
				int atKill = count(jdbc, "COUNT(*)");
				long committedAtKill = committed(admin);
				restartAndVerify(jdbc, args, atKill, committedAtKill);
			}
		}
		finally {
			database.stop();
		}
	}

	private void restartAndVerify(JdbcTemplate jdbc, List<String> args, int atKill, long committedAtKill) {
		try (ConfigurableApplicationContext restarted = CrashingConsumerApplication
			.run(args.toArray(String[]::new))) {
			await().atMost(Duration.ofMinutes(2))
				.until(() -> count(jdbc, "COUNT(DISTINCT record_value)") == RECORDS);
			long skipped = restarted.getBean(Deduplication.class).forListener("crash").orElseThrow().skipped();
			int effects = count(jdbc, "COUNT(*)");
			int distinct = count(jdbc, "COUNT(DISTINCT record_value)");
			System.out.printf("FAULT consumer-crash: sent=%d effects-before-kill=%d committed-at-kill=%d "
					+ "processed-but-uncommitted=%d skipped-as-duplicates=%d received=%d effects=%d duplicates=%d "
					+ "lost=%d%n", RECORDS, atKill, committedAtKill, atKill - committedAtKill, skipped, distinct,
					effects, effects - distinct, RECORDS - distinct);
			assertThat(effects).isEqualTo(RECORDS);
			assertThat(distinct).isEqualTo(RECORDS);
			// Every record the crash left processed but uncommitted came again, and was
			// recognised.
			assertThat(skipped).isEqualTo(atKill - committedAtKill).isPositive();
		}
	}

	private static long committed(Admin admin) throws Exception {
		return admin.listConsumerGroupOffsets("crash")
			.partitionsToOffsetAndMetadata()
			.get(30, TimeUnit.SECONDS)
			.values()
			.stream()
			.filter(java.util.Objects::nonNull)
			.mapToLong(OffsetAndMetadata::offset)
			.sum();
	}

	private static int count(JdbcTemplate jdbc, String expression) {
		Integer count = jdbc.queryForObject("SELECT " + expression + " FROM effects", Integer.class);
		return (count != null) ? count : 0;
	}

	private static void produce(String servers) {
		Map<String, Object> configs = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
				ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, RecordIdInterceptor.class.getName());
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(configs, new StringSerializer(),
				new StringSerializer())) {
			for (int i = 0; i < RECORDS; i++) {
				producer.send(new ProducerRecord<>(CrashingConsumerApplication.TOPIC, "key-" + (i % 50), "v" + i));
			}
			producer.flush();
		}
	}

	private static Process startConsumer(List<String> args) throws Exception {
		String java = ProcessHandle.current()
			.info()
			.command()
			.orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), CrashingConsumerApplication.class.getName()));
		command.addAll(args);
		File log = new File("target/crashing-consumer.log");
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log)
			.start();
	}

}
