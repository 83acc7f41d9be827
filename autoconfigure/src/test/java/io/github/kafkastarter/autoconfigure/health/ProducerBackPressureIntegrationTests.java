package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.KafkaTopics;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import static io.github.kafkastarter.autoconfigure.health.LagHealthTests.indicated;
import static io.github.kafkastarter.autoconfigure.health.LagHealthTests.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Producer back-pressure on a real broker that is slow (a produce quota of 1 KiB/s): a
 * producer with a 64 KiB buffer pool fills it, its sends block for max.block.ms and fail, and the back-pressure gauges and the
 * kafkaProducers health show it, UP with a warning by default, OUT_OF_SERVICE (failing
 * readiness) for a client configured so.
 */
class ProducerBackPressureIntegrationTests {

	private static final int BUFFER = 64 * 1024;

	private static final int RECORD = 4 * 1024;

	@Test
	void aFullBufferPoolShowsInGaugesAndHealthAndFailsReadinessOnlyWhereConfigured() {
		TestKafka kafka = TestBrokers.start(1, Map.of());
		try {
			// Created ahead: with max.block.ms=500, a send must not wait for a topic to be created.
			KafkaTopics.create(kafka.getBrokersAsString(), "pressure-default", 1, 1, Map.of());
			KafkaTopics.create(kafka.getBrokersAsString(), "pressure-strict", 1, 1, Map.of());
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
						AutoConfigs.CLIENT_METRICS, KafkaHealthAutoConfiguration.class))
				.withConfiguration(KafkaHealthAutoConfigurationTests.HEALTH)
				.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
				.withPropertyValues("spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
						"spring.kafka.producer.buffer-memory=" + BUFFER,
						"spring.kafka.producer.properties.max.block.ms=500",
						"kafka.starter.clients.strict.client-id=strict",
						"kafka.starter.clients.strict.health.producers.unhealthy-status=out-of-service",
						// Readiness decided by the producers alone.
						"management.health.kafka-brokers.enabled=false")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					KafkaClients clients = context.getBean(KafkaClients.class);
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					for (KafkaClient client : List.of(clients.getDefault(), clients.get("strict"))) {
						client.<String, String>template().send("pressure-" + client.name(), "k", "first").get(30,
								TimeUnit.SECONDS);
						// Closing a producer with records it cannot deliver waits this long.
						((DefaultKafkaProducerFactory<?, ?>) client.producerFactory()).setPhysicalCloseTimeout(1);
					}
					assertThat(producers(context, "default").getStatus()).isEqualTo(Status.UP);
					assertThat(producers(context, "default").getDetails()).doesNotContainKey("warning")
						.containsEntry("producers", 1)
						.containsEntry("bufferTotalBytes", (long) BUFFER);
					assertThat(status(context, "readiness")).isEqualTo(Status.UP);
					assertThat(gauge(registry, "kafka.starter.producer.buffer.total.bytes", "default")).isEqualTo(BUFFER);

					// A slow broker: every producer may send 1 KiB/s, so the broker holds back its
					// answers and the batches keep their buffer memory. (A stopped broker would do,
					// but a producer may then lose the topic's metadata and fail on that instead.)
					throttleEveryProducer(kafka.getBrokersAsString(), 1024);

					Map<String, Integer> accepted = new java.util.LinkedHashMap<>();
					Map<String, Long> blockedMillis = new java.util.LinkedHashMap<>();
					for (KafkaClient client : List.of(clients.getDefault(), clients.get("strict"))) {
						KafkaTemplate<String, String> template = client.template();
						List<CompletableFuture<?>> sends = new ArrayList<>();
						long start = System.nanoTime();
						Throwable failure = null;
						// 16 records of 4 KiB fill 64 KiB once the broker throttles; the next ones wait
						// max.block.ms and fail.
						for (int i = 0; i < 200 && failure == null; i++) {
							try {
								CompletableFuture<?> send = template.send("pressure-" + client.name(), "k",
										"x".repeat(RECORD));
								sends.add(send);
								if (send.isCompletedExceptionally()) {
									failure = send.handle((result, ex) -> ex).join();
								}
							}
							catch (RuntimeException ex) {
								// KafkaTemplate rethrows what the producer's send() reports at once.
								failure = ex;
							}
						}
						blockedMillis.put(client.name(), (System.nanoTime() - start) / 1_000_000);
						accepted.put(client.name(), sends.size());
						assertThat(failure).as("a send failed for lack of buffer memory")
							.isNotNull()
							.satisfies((ex) -> assertThat(rootCause(ex)).isInstanceOf(BufferExhaustedException.class));
					}

					await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
						IndicatedHealthDescriptor health = producers(context, "default");
						assertThat(health.getStatus()).isEqualTo(Status.UP);
						assertThat(health.getDetails()).containsKeys("warning", "lastBlocked", "lastError");
					});
					IndicatedHealthDescriptor strict = producers(context, "strict");
					assertThat(strict.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
					assertThat(status(context, "readiness")).isEqualTo(Status.OUT_OF_SERVICE);
					// Producer health is readiness's business, not liveness's.
					assertThat(status(context, "liveness")).isEqualTo(Status.UP);

					Map<String, Object> details = producers(context, "default").getDetails();
					assertThat((long) details.get("bufferAvailableBytes")).isLessThan(RECORD);
					assertThat((long) details.get("bufferExhausted")).isPositive();
					assertThat((long) details.get("recordErrors")).isPositive();
					assertThat((double) details.get("bufferWaitSeconds")).isGreaterThanOrEqualTo(0.4);
					assertThat(gauge(registry, "kafka.starter.producer.buffer.available.bytes", "default"))
						.isLessThan(RECORD);
					assertThat(registry.get("kafka.starter.producer.buffer.wait").tag("client", "default")
						.functionCounter().count()).isGreaterThanOrEqualTo(0.4);
					assertThat(registry.get("kafka.starter.producer.buffer.exhausted").tag("client", "default")
						.functionCounter().count()).isPositive();
					assertThat(registry.get("kafka.starter.producer.record.errors").tag("client", "strict")
						.functionCounter().count()).isPositive();
					System.out.printf("BACKPRESSURE buffer.memory=%d max.block.ms=500: records sent before the "
							+ "first failed send %s, time to it %s ms; default health %s %s; strict "
							+ "health %s; readiness %s%n", BUFFER, accepted, blockedMillis,
							producers(context, "default").getStatus(), details, strict.getStatus(),
							status(context, "readiness"));
				});
		}
		finally {
			kafka.destroy();
		}
	}

	private static void throttleEveryProducer(String servers, double bytesPerSecond) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
			// A null client id is the default quota: every client of this test's own broker.
			ClientQuotaEntity everyClient = new ClientQuotaEntity(
					Collections.singletonMap(ClientQuotaEntity.CLIENT_ID, null));
			admin.alterClientQuotas(List.of(new ClientQuotaAlteration(everyClient,
					List.of(new ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond)))))
				.all()
				.get(30, TimeUnit.SECONDS);
		}
	}

	private static IndicatedHealthDescriptor producers(AssertableApplicationContext context, String client) {
		return indicated(context, "kafkaProducers", client);
	}

	private static double gauge(MeterRegistry registry, String name, String client) {
		return registry.get(name).tag("client", client).gauge().value();
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
