package io.github.kafkastarter.autoconfigure.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.github.kafkastarter.autoconfigure.support.ImportAutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault test: three instances of an application share a consumer group and are restarted
 * one by one, as a rolling deployment does, while records keep coming. With static
 * membership no restart rebalances the group (the group's generation never moves, the
 * other instances get no callback); without it, each restart rebalances it. Either way
 * every record is processed, none twice: a stopping instance finishes and commits first.
 */
class RollingRestartFaultTests {

	private static final int PARTITIONS = 6;

	@Test
	void withStaticMembershipARollingRestartDoesNotRebalance() throws Exception {
		Outcome outcome = rollingRestart("rolling-static", true);
		System.out.printf("FAULT rolling-restart (static membership): instances=3 restarts=3 rebalances=%d "
				+ "assignment-callbacks-on-other-instances=%d sent=%d received=%d duplicates=%d%n", outcome.rebalances,
				outcome.othersCallbacks, outcome.sent, outcome.received, outcome.duplicates);
		assertThat(outcome.rebalances).isZero();
		assertThat(outcome.othersCallbacks).isZero();
		assertThat(outcome.duplicates).isZero();
		assertThat(outcome.received).isEqualTo(outcome.sent);
	}

	@Test
	void withoutStaticMembershipEachRestartRebalances() throws Exception {
		Outcome outcome = rollingRestart("rolling-dynamic", false);
		System.out.printf("FAULT rolling-restart (no static membership): instances=3 restarts=3 rebalances=%d "
				+ "assignment-callbacks-on-other-instances=%d sent=%d received=%d duplicates=%d%n", outcome.rebalances,
				outcome.othersCallbacks, outcome.sent, outcome.received, outcome.duplicates);
		assertThat(outcome.rebalances).isPositive();
		assertThat(outcome.received).isEqualTo(outcome.sent);
	}

	private Outcome rollingRestart(String topic, boolean staticMembership) throws Exception {
		String servers = TestBrokers.shared().getBrokersAsString();
		KafkaTopics.create(servers, topic, PARTITIONS, 1, Map.of());
		Events events = new Events();
		Map<String, ConfigurableApplicationContext> instances = new ConcurrentHashMap<>();
		AtomicBoolean producing = new AtomicBoolean(true);
		AtomicInteger sent = new AtomicInteger();
		Thread producer = new Thread(() -> produce(servers, topic, producing, sent), "rolling-producer");
		try {
			for (String instance : List.of("a", "b", "c")) {
				instances.put(instance, start(servers, topic, instance, staticMembership, events));
			}
			await().atMost(Duration.ofMinutes(1)).until(() -> events.stable(List.of("a", "b", "c")));
			producer.start();
			await().atMost(Duration.ofMinutes(1)).until(() -> events.received.size() >= 200);
			int baseline = events.lastGeneration();
			int callbacksBefore = events.assignments.size();
			List<Assignment> others = new ArrayList<>();
			for (String instance : List.of("a", "b", "c")) {
				int before = events.assignments.size();
				instances.remove(instance).close();
				instances.put(instance, start(servers, topic, instance, staticMembership, events));
				// Back to work: the restarted instance has partitions and records flow again.
				await().atMost(Duration.ofMinutes(1))
					.until(() -> events.assignedTo(instance, before) && events.stable(List.of("a", "b", "c")));
				int received = events.received.size();
				await().atMost(Duration.ofMinutes(1)).until(() -> events.received.size() > received + 50);
				events.assignments.stream()
					.skip(before)
					.filter((assignment) -> !assignment.instance.equals(instance))
					.forEach(others::add);
			}
			producing.set(false);
			producer.join();
			await().atMost(Duration.ofMinutes(1)).until(() -> new HashSet<>(events.received).size() >= sent.get());
			Set<Integer> generations = new HashSet<>();
			events.assignments.stream()
				.skip(callbacksBefore)
				.filter((assignment) -> assignment.generation > baseline)
				.forEach((assignment) -> generations.add(assignment.generation));
			int duplicates = events.received.size() - new HashSet<>(events.received).size();
			return new Outcome(generations.size(), others.size(), sent.get(), new HashSet<>(events.received).size(),
					duplicates);
		}
		finally {
			producing.set(false);
			instances.values().forEach(ConfigurableApplicationContext::close);
		}
	}

	private static ConfigurableApplicationContext start(String servers, String topic, String instance,
			boolean staticMembership, Events events) {
		return new SpringApplicationBuilder(Instance.class).web(WebApplicationType.NONE)
			.initializers((context) -> context.getBeanFactory().registerSingleton("events", events))
			.properties("spring.kafka.bootstrap-servers=" + servers, "spring.application.name=" + topic,
					"spring.kafka.consumer.group-id=" + topic, "spring.kafka.consumer.auto-offset-reset=earliest",
					"rolling.topic=" + topic, "rolling.instance=" + instance,
					"kafka.starter.producer.verify-durability=off",
					"kafka.starter.consumer.static-membership.enabled=" + staticMembership,
					"kafka.starter.consumer.static-membership.instance-id=" + instance,
					"spring.main.banner-mode=off")
			.run();
	}

	private static void produce(String servers, String topic, AtomicBoolean producing, AtomicInteger sent) {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new StringSerializer(),
				new StringSerializer())) {
			int i = 0;
			while (producing.get()) {
				producer.send(new ProducerRecord<>(topic, "key-" + (i % 60), String.valueOf(i))).get();
				sent.incrementAndGet();
				i++;
				// A steady trickle of records during the restarts: the scenario's load.
				LockSupport.parkNanos(2_000_000);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Outcome(int rebalances, int othersCallbacks, int sent, int received, int duplicates) {

	}

	record Assignment(String instance, int generation, Set<TopicPartition> partitions) {

	}

	/**
	 * What every instance saw: each assignment callback (cooperative rebalancing calls it
	 * once per rebalance on every member, even with nothing new) with the group's
	 * generation, and every record processed.
	 */
	static final class Events {

		final ConcurrentLinkedQueue<Assignment> assignments = new ConcurrentLinkedQueue<>();

		final Map<String, Set<TopicPartition>> owned = new ConcurrentHashMap<>();

		final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();

		void assigned(String instance, int generation, Collection<TopicPartition> partitions) {
			this.assignments.add(new Assignment(instance, generation, new HashSet<>(partitions)));
			this.owned.computeIfAbsent(instance, (key) -> ConcurrentHashMap.newKeySet()).addAll(partitions);
		}

		void revoked(String instance, Collection<TopicPartition> partitions) {
			this.owned.computeIfAbsent(instance, (key) -> ConcurrentHashMap.newKeySet()).removeAll(partitions);
		}

		boolean stable(List<String> instances) {
			Set<TopicPartition> all = new HashSet<>();
			for (String instance : instances) {
				Set<TopicPartition> partitions = this.owned.getOrDefault(instance, Set.of());
				if (partitions.isEmpty()) {
					return false;
				}
				all.addAll(partitions);
			}
			return all.size() == PARTITIONS;
		}

		boolean assignedTo(String instance, int after) {
			return this.assignments.stream()
				.skip(after)
				.anyMatch((assignment) -> assignment.instance.equals(instance) && !assignment.partitions.isEmpty());
		}

		int lastGeneration() {
			return this.assignments.stream().mapToInt(Assignment::generation).max().orElse(-1);
		}

	}

	@SpringBootConfiguration
	@ImportAutoConfigs({ "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
			"client.KafkaClientsAutoConfiguration",
			"producer.ProducerReliabilityAutoConfiguration",
			"errorhandling.ListenerErrorHandlingAutoConfiguration",
			"membership.GroupMembershipAutoConfiguration",
			"poisonpill.PoisonPillAutoConfiguration" })
	static class Instance {

		@Bean
		ConsumerAwareRebalanceListener rebalanceListener(Events events, Environment environment) {
			String instance = environment.getRequiredProperty("rolling.instance");
			return new ConsumerAwareRebalanceListener() {

				@Override
				public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
					events.assigned(instance, consumer.groupMetadata().generationId(), partitions);
				}

				@Override
				public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer,
						Collection<TopicPartition> partitions) {
					events.revoked(instance, partitions);
				}

				@Override
				public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
					events.revoked(instance, partitions);
				}

			};
		}

		@Bean
		Listener listener(Events events) {
			return new Listener(events);
		}

	}

	static class Listener {

		private final Events events;

		Listener(Events events) {
			this.events = events;
		}

		@KafkaListener(id = "rolling", topics = "${rolling.topic}")
		void onRecord(String value) {
			this.events.received.add(value);
		}

	}

}
