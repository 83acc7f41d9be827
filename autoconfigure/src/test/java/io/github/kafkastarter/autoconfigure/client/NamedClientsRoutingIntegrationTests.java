package io.github.kafkastarter.autoconfigure.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import io.github.kafkastarter.autoconfigure.support.TestBrokers;
import io.github.kafkastarter.autoconfigure.support.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three clusters, one topic name on each: every template and listener container factory
 * talks to its own cluster only, and every admin creates only the topic beans meant for
 * its cluster.
 */
class NamedClientsRoutingIntegrationTests {

	private static TestKafka analyticsCluster;

	private static TestKafka auditCluster;

	@BeforeAll
	static void startClusters() {
		analyticsCluster = TestBrokers.start(1, java.util.Map.of());
		auditCluster = TestBrokers.start(1, java.util.Map.of());
	}

	@AfterAll
	static void stopClusters() {
		analyticsCluster.destroy();
		auditCluster.destroy();
	}

	@Test
	void eachClientSendsAndListensOnItsOwnCluster() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					KafkaClientsAutoConfiguration.class, AutoConfigs.INTERCEPTORS))
			.withUserConfiguration(Listeners.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(),
					"spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.consumer.group-id=routing",
					"kafka.starter.clients.analytics.bootstrap-servers=" + analyticsCluster.getBrokersAsString(),
					"kafka.starter.clients.audit.bootstrap-servers=" + auditCluster.getBrokersAsString(),
					"kafka.starter.clients.audit.consumer.group-id=audit-routing")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Listeners listeners = context.getBean(Listeners.class);
				KafkaClients clients = context.getBean(KafkaClients.class);
				for (String client : List.of("default", "analytics", "audit")) {
					clients.get(client).<String, String>template().send("routing", client, "via-" + client).get();
				}
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					assertThat(listeners.onDefault).containsExactly("via-default");
					assertThat(listeners.onAnalytics).containsExactly("via-analytics");
					assertThat(listeners.onAudit).containsExactly("via-audit");
				});
				// Sent once more with the injected qualified template: still its own cluster only.
				listeners.auditTemplate.send("routing", "again").get();
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(listeners.onAudit).containsExactly("via-audit", "again"));
				assertThat(listeners.onDefault).containsExactly("via-default");
				assertThat(listeners.onAnalytics).containsExactly("via-analytics");
			});
	}

	@Test
	void topicBeansAreCreatedOnTheClustersTheyName() throws Exception {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					KafkaClientsAutoConfiguration.class))
			.withUserConfiguration(Topics.class)
			.withPropertyValues(TestBrokers.sharedServersProperty(),
					"kafka.starter.clients.analytics.bootstrap-servers=" + analyticsCluster.getBrokersAsString(),
					"kafka.starter.clients.audit.bootstrap-servers=" + auditCluster.getBrokersAsString())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(topics(TestBrokers.shared().getBrokersAsString())).contains("scoping-default",
						"scoping-everywhere", "scoping-set-default")
					.doesNotContain("scoping-analytics", "scoping-set-analytics");
				assertThat(topics(analyticsCluster.getBrokersAsString()))
					.containsExactlyInAnyOrder("scoping-analytics", "scoping-everywhere", "scoping-set-analytics");
				assertThat(topics(auditCluster.getBrokersAsString())).isEmpty();
			});
	}

	private static Set<String> topics(String servers) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
			Set<String> names = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
			names.removeIf((name) -> !name.startsWith("scoping-"));
			return names;
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Topics {

		@Bean
		NewTopic scopingDefault() {
			return new NewTopic("scoping-default", 1, (short) 1);
		}

		@Bean
		@ForClients("analytics")
		NewTopic scopingAnalytics() {
			return new NewTopic("scoping-analytics", 1, (short) 1);
		}

		@Bean
		@ForClients({ "default", "analytics" })
		NewTopic scopingEverywhere() {
			return new NewTopic("scoping-everywhere", 1, (short) 1);
		}

		@Bean
		KafkaAdmin.NewTopics scopingSetDefault() {
			return new KafkaAdmin.NewTopics(new NewTopic("scoping-set-default", 1, (short) 1));
		}

		@Bean
		@ForClients("analytics")
		KafkaAdmin.NewTopics scopingSetAnalytics() {
			return new KafkaAdmin.NewTopics(new NewTopic("scoping-set-analytics", 1, (short) 1));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final BlockingQueue<String> onDefault = new LinkedBlockingQueue<>();

		final BlockingQueue<String> onAnalytics = new LinkedBlockingQueue<>();

		final BlockingQueue<String> onAudit = new LinkedBlockingQueue<>();

		final KafkaTemplate<String, String> auditTemplate;

		Listeners(@Qualifier("auditKafkaTemplate") KafkaTemplate<String, String> auditTemplate) {
			this.auditTemplate = auditTemplate;
		}

		@KafkaListener(topics = "routing")
		void onDefault(String value) {
			this.onDefault.add(value);
		}

		@KafkaListener(topics = "routing", groupId = "analytics-routing",
				containerFactory = "analyticsKafkaListenerContainerFactory")
		void onAnalytics(String value) {
			this.onAnalytics.add(value);
		}

		@KafkaListener(topics = "routing", containerFactory = "auditKafkaListenerContainerFactory")
		void onAudit(String value) {
			this.onAudit.add(value);
		}

	}

}
