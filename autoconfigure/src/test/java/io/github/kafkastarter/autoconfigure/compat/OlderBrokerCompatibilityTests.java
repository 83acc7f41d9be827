package io.github.kafkastarter.autoconfigure.compat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkastarter.autoconfigure.support.ForkedKafkaBroker;
import io.github.kafkastarter.autoconfigure.support.WebApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

import static org.awaitility.Awaitility.await;

class OlderBrokerCompatibilityTests {

	static ForkedKafkaBroker broker;

	@BeforeAll
	static void startBroker() {
		long start = System.nanoTime();
		broker = ForkedKafkaBroker.start();
		System.out.println("BROKER started in " + (System.nanoTime() - start) / 1_000_000 + " ms");
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			long start = System.nanoTime();
			broker.close();
			System.out.println("BROKER stopped in " + (System.nanoTime() - start) / 1_000_000 + " ms");
		}
	}

	@Test
	void features() throws Exception {
		for (String servers : new String[] { broker.bootstrapServers(), io.github.kafkastarter.autoconfigure.support.TestBrokers.shared().getBrokersAsString() }) {
			try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers", servers))) {
				var f = admin.describeFeatures().featureMetadata().get();
				System.out.println("FEATURES " + servers + " finalized=" + f.finalizedFeatures() + " supported=" + f.supportedFeatures());
			}
		}
	}

	@Test
	void explore() throws Exception {
		try (ConfigurableApplicationContext app = WebApps.start(new Class<?>[] { App.class },
				"spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
				"spring.kafka.consumer.auto-offset-reset=earliest", "management.endpoints.web.exposure.include=health,kafka",
				"management.endpoint.health.show-details=always", "kafka.starter.lag.interval=1s",
				"kafka.starter.share.start-from=earliest")) {
			KafkaTemplate<String, String> template = app.getBean(KafkaTemplate.class);
			template.send("compat-orders", "one").get();
			template.send("compat-jobs", "job").get();
			Listeners listeners = app.getBean(Listeners.class);
			await().atMost(Duration.ofSeconds(60)).until(() -> listeners.orders.contains("one"));
			Thread.sleep(8000);
			var http = WebApps.http(app);
			for (String path : new String[] { "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/actuator/kafka" }) {
				var r = WebApps.exchange(http, "GET", path, null);
				System.out.println("HTTP " + path + " " + r.status() + " " + r.body());
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Listeners.class)
	static class App {

	}

	static class Listeners {

		final Set<String> orders = ConcurrentHashMap.newKeySet();

		final Set<String> jobs = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "compat-orders", topics = "compat-orders", groupId = "compat-orders")
		void order(String value) {
			this.orders.add(value);
		}

		@KafkaListener(id = "compat-jobs", topics = "compat-jobs", groupId = "compat-workers",
				containerFactory = "shareKafkaListenerContainerFactory")
		void job(String value) {
			this.jobs.add(value);
		}

	}

}
