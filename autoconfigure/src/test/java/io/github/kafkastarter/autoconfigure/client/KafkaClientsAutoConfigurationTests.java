package io.github.kafkastarter.autoconfigure.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class KafkaClientsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaClientsAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=main:9092");

	@Test
	void withoutNamedClientsOnlyBootsBeansExist() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(KafkaTemplate.class);
			assertThat(context).hasSingleBean(ProducerFactory.class);
			assertThat(context.getBean(KafkaClients.class).names()).containsExactly("default");
			assertThat(context.getBean(KafkaClients.class).getDefault().template())
				.isSameAs(context.getBean("kafkaTemplate"));
		});
	}

	@Test
	void aClientsConfigurationCarriesItsConnectionAndItsAdminIsSharedUntilTheContextCloses() {
		AtomicReference<KafkaClient> secure = new AtomicReference<>();
		this.runner
			.withPropertyValues("kafka.starter.clients.secure.bootstrap-servers=localhost:9",
					"kafka.starter.clients.secure.security.protocol=PLAINTEXT", "spring.application.name=shop")
			.run((context) -> {
				KafkaClient client = context.getBean(KafkaClients.class).get("secure");
				secure.set(client);
				for (Map<String, Object> configs : List.of(client.buildProducerConfig(), client.buildConsumerConfig(),
						client.buildAdminConfig(), client.adminConfig())) {
					assertThat(configs).containsEntry("bootstrap.servers", List.of("localhost:9"))
						.containsEntry("security.protocol", "PLAINTEXT");
				}
				assertThat(client.adminConfig())
					.isEqualTo(context.getBean("secureKafkaAdmin", KafkaAdmin.class).getConfigurationProperties());
				assertThat(client.buildConsumerConfig()).containsKey(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
				assertThat(client.clientId("admin")).isEqualTo("shop-admin-secure");
				assertThat(client.sharedAdmin()).isSameAs(client.sharedAdmin());
			});
		assertThatIllegalStateException().isThrownBy(() -> secure.get().sharedAdmin())
			.withMessageContaining("'secure' is closed");
	}

	@Test
	void theStartersSchedulerIsNoCandidateForBootsSchedulerOrExecutor() {
		this.runner
			.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
					TaskSchedulingAutoConfiguration.class))
			.withUserConfiguration(Scheduling.class)
			.withPropertyValues("kafka.starter.clients.audit.client-id=audit")
			.run((context) -> {
				ThreadPoolTaskScheduler scheduler = context.getBean(KafkaClientsAutoConfiguration.TASK_SCHEDULER,
						ThreadPoolTaskScheduler.class);
				// Two clients: two threads for them, two for everything else.
				assertThat(scheduler.getScheduledThreadPoolExecutor().getCorePoolSize()).isEqualTo(4);
				assertThat(scheduler.getThreadNamePrefix()).isEqualTo("kafka-starter-");
				assertThat(scheduler.isDaemon()).isTrue();
				// Spring Boot still makes its own, and a lookup by type finds them.
				assertThat(context).hasBean("taskScheduler").hasBean("applicationTaskExecutor");
				assertThat(context.getBean(TaskScheduler.class)).isSameAs(context.getBean("taskScheduler"));
			});
	}

	@Test
	void eachNamedClientGetsItsOwnBeansBesideBoots() {
		this.runner
			.withPropertyValues("kafka.starter.clients.analytics.bootstrap-servers=analytics:9092",
					"kafka.starter.clients.audit.bootstrap-servers=audit:9093")
			.run((context) -> {
				for (String name : List.of("analytics", "audit")) {
					assertThat(context).hasBean(name + "ProducerFactory")
						.hasBean(name + "ConsumerFactory")
						.hasBean(name + "KafkaTemplate")
						.hasBean(name + "KafkaListenerContainerFactory")
						.hasBean(name + "KafkaAdmin")
						.doesNotHaveBean(name + "KafkaTransactionManager");
				}
				assertThat(context.getBean(KafkaClients.class).names()).containsExactly("default", "analytics",
						"audit");
				// Unqualified injection still finds Boot's beans, one each.
				assertThat(context.getBean(KafkaTemplate.class)).isSameAs(context.getBean("kafkaTemplate"));
				assertThat(context.getBean(KafkaAdmin.class)).isSameAs(context.getBean("kafkaAdmin"));
				assertThat(producerConfigs(context.getBean("analyticsProducerFactory")))
					.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("analytics:9092"));
				assertThat(producerConfigs(context.getBean("auditProducerFactory")))
					.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("audit:9093"));
				assertThat(producerConfigs(context.getBean("kafkaProducerFactory")))
					.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("main:9092"));
				KafkaTemplate<?, ?> analyticsTemplate = context.getBean("analyticsKafkaTemplate", KafkaTemplate.class);
				assertThat(analyticsTemplate.getProducerFactory()).isSameAs(context.getBean("analyticsProducerFactory"));
				assertThat(context.getBean(KafkaClients.class).get("analytics").template())
					.isSameAs(analyticsTemplate);
			});
	}

	@Test
	void qualifiedInjectionSelectsANamedClientAndPlainInjectionTheDefault() {
		this.runner.withPropertyValues("kafka.starter.clients.analytics.bootstrap-servers=analytics:9092")
			.withUserConfiguration(InjectionPoints.class)
			.run((context) -> {
				InjectionPoints points = context.getBean(InjectionPoints.class);
				assertThat(points.plain).isSameAs(context.getBean("kafkaTemplate"));
				assertThat(points.analytics).isSameAs(context.getBean("analyticsKafkaTemplate"));
			});
	}

	@Test
	void namedClientInheritsSpringKafkaValuesItDoesNotSet() {
		this.runner
			.withPropertyValues("spring.kafka.client-id=shop", "spring.kafka.producer.acks=1",
					"spring.kafka.producer.compression-type=lz4", "spring.kafka.properties.reconnect.backoff.ms=77",
					"spring.kafka.properties.metadata.max.age.ms=1000", "spring.kafka.consumer.group-id=shop",
					"spring.kafka.consumer.max-poll-records=42", "kafka.starter.clients.analytics.client-id=analytics",
					"kafka.starter.clients.analytics.producer.acks=all",
					"kafka.starter.clients.analytics.properties.metadata.max.age.ms=2000",
					"kafka.starter.clients.analytics.consumer.group-id=reports")
			.run((context) -> {
				Map<String, Object> producer = producerConfigs(context.getBean("analyticsProducerFactory"));
				assertThat(producer).containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "analytics")
					.containsEntry(ProducerConfig.ACKS_CONFIG, "all")
					.containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
					.containsEntry("reconnect.backoff.ms", "77")
					.containsEntry("metadata.max.age.ms", "2000")
					.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("main:9092"));
				Map<String, Object> consumer = ((DefaultKafkaConsumerFactory<?, ?>) context
					.getBean("analyticsConsumerFactory")).getConfigurationProperties();
				assertThat(consumer).containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "reports")
					.containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 42);
				// The default client is untouched by the named one.
				assertThat(producerConfigs(context.getBean("kafkaProducerFactory")))
					.containsEntry(ProducerConfig.ACKS_CONFIG, "1")
					.containsEntry("metadata.max.age.ms", "1000");
			});
	}

	@Test
	void namedClientWithoutServersFollowsTheDefaultConnection() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaClientsAutoConfiguration.class))
			.withBean("serviceConnection", KafkaConnectionDetails.class, () -> () -> List.of("container:32768"))
			.withPropertyValues("kafka.starter.clients.audit.client-id=audit")
			.run((context) -> {
				assertThat(producerConfigs(context.getBean("auditProducerFactory")))
					.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("container:32768"));
				assertThat(context.getBean(KafkaClients.class).get("audit").bootstrapServers())
					.containsExactly("container:32768");
			});
	}

	@Test
	void namedClientServersForProducerOrConsumerOnlyApplyThere() {
		this.runner
			.withPropertyValues("kafka.starter.clients.split.bootstrap-servers=common:9092",
					"kafka.starter.clients.split.consumer.bootstrap-servers=replica:9092")
			.run((context) -> {
				assertThat(producerConfigs(context.getBean("splitProducerFactory")))
					.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("common:9092"));
				assertThat(((DefaultKafkaConsumerFactory<?, ?>) context.getBean("splitConsumerFactory"))
					.getConfigurationProperties()).containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
							List.of("replica:9092"));
			});
	}

	@Test
	void aBeanTheApplicationDeclaresUnderANamedClientsNameWins() {
		this.runner.withPropertyValues("kafka.starter.clients.analytics.bootstrap-servers=analytics:9092")
			.withUserConfiguration(UserTemplate.class)
			.run((context) -> {
				KafkaTemplate<?, ?> template = context.getBean("analyticsKafkaTemplate", KafkaTemplate.class);
				assertThat(template.getDefaultTopic()).isEqualTo("user-defined");
				assertThat(context.getBean(KafkaClients.class).get("analytics").template()).isSameAs(template);
			});
	}

	@Test
	void transactionalNamedClientGetsItsTransactionManagerOnItsContainers() {
		this.runner.withPropertyValues("kafka.starter.clients.ledger.bootstrap-servers=ledger:9092",
				"kafka.starter.clients.ledger.producer.transaction-id-prefix=ledger-tx-").run((context) -> {
					KafkaTransactionManager<?, ?> manager = context.getBean("ledgerKafkaTransactionManager",
							KafkaTransactionManager.class);
					assertThat(manager.getProducerFactory()).isSameAs(context.getBean("ledgerProducerFactory"));
					ConcurrentKafkaListenerContainerFactory<?, ?> factory = context
						.getBean("ledgerKafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class);
					assertThat(factory.getContainerProperties().getKafkaAwareTransactionManager()).isSameAs(manager);
					assertThat(((DefaultKafkaProducerFactory<?, ?>) context.getBean("ledgerProducerFactory"))
						.getTransactionIdPrefix()).isEqualTo("ledger-tx-");
				});
	}

	@Test
	void namedListenerSettingsOverrideTheInheritedOnes() {
		this.runner
			.withPropertyValues("spring.kafka.listener.concurrency=2", "spring.kafka.listener.ack-mode=record",
					"kafka.starter.clients.analytics.listener.concurrency=5",
					"kafka.starter.clients.analytics.listener.type=batch")
			.run((context) -> {
				ConcurrentKafkaListenerContainerFactory<?, ?> factory = context
					.getBean("analyticsKafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class);
				assertThat(factory.createContainer("analytics").getConcurrency()).isEqualTo(5);
				assertThat(factory.isBatchListener()).isTrue();
				assertThat(factory.getContainerProperties().getAckMode()).isEqualTo(AckMode.RECORD);
				assertThat(factory.getConsumerFactory()).isSameAs(context.getBean("analyticsConsumerFactory"));
				ConcurrentKafkaListenerContainerFactory<?, ?> defaultFactory = context
					.getBean("kafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class);
				assertThat(defaultFactory.createContainer("default").getConcurrency()).isEqualTo(2);
				assertThat(defaultFactory.isBatchListener()).isNotEqualTo(Boolean.TRUE);
			});
	}

	@Test
	void missingSslBundleOfANamedClientFailsStartUpNamingTheProperty() {
		this.runner
			.withPropertyValues("kafka.starter.clients.secure.bootstrap-servers=secure:9093",
					"kafka.starter.clients.secure.ssl.bundle=nope")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(KafkaStarterConfigurationException.class)
					.hasMessageContaining("kafka.starter.clients.secure.ssl.bundle");
			});
	}

	@Test
	void clientCustomizersSeeEveryContainerAfterTheFactorysOwnCustomizer() {
		this.runner.withPropertyValues("kafka.starter.clients.audit.bootstrap-servers=audit:9092")
			.withUserConfiguration(ContainerHooks.class)
			.run((context) -> {
				ContainerHooks hooks = context.getBean(ContainerHooks.class);
				var onDefault = context
					.getBean("kafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class)
					.createContainer("t1");
				onDefault.getContainerProperties().setGroupId("g1");
				var onAudit = context
					.getBean("auditKafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class)
					.createContainer("t2");
				onAudit.getContainerProperties().setGroupId("g2");
				assertThat(hooks.calls).containsExactly("boot-customizer", "client:default", "boot-customizer",
						"client:audit");
				KafkaClientContainers containers = context.getBean(KafkaClientContainers.class);
				assertThat(containers.clientOf(onDefault)).contains("default");
				assertThat(containers.clientOf(onAudit)).contains("audit");
				assertThat(containers.containers("audit")).containsExactly(onAudit);
				assertThat(containers.groupIds("default")).containsExactly("g1");
			});
	}

	@Test
	void settingsOfANamedClientLayerItsOwnValuesOverTheSharedOnes() {
		this.runner
			.withPropertyValues("kafka.starter.sample.level=3", "kafka.starter.sample.label=shared",
					"kafka.starter.clients.audit.sample.level=7")
			.run((context) -> {
				KafkaClients clients = context.getBean(KafkaClients.class);
				SampleSettings shared = clients.getDefault().settings("sample", SampleSettings.class);
				SampleSettings audit = clients.get("audit").settings("sample", SampleSettings.class);
				assertThat(shared.getLevel()).isEqualTo(3);
				assertThat(audit.getLevel()).isEqualTo(7);
				assertThat(audit.getLabel()).isEqualTo("shared");
				assertThat(clients.getDefault().settings("absent", SampleSettings.class).getLevel()).isEqualTo(1);
			});
	}

	public static class SampleSettings {

		private int level = 1;

		private String label = "none";

		public int getLevel() {
			return this.level;
		}

		public void setLevel(int level) {
			this.level = level;
		}

		public String getLabel() {
			return this.label;
		}

		public void setLabel(String label) {
			this.label = label;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ContainerHooks {

		final List<String> calls = new java.util.ArrayList<>();

		@Bean
		org.springframework.kafka.config.ContainerCustomizer<Object, Object, org.springframework.kafka.listener.ConcurrentMessageListenerContainer<Object, Object>> bootCustomizer() {
			return (container) -> this.calls.add("boot-customizer");
		}

		@Bean
		KafkaClientCustomizer recordingCustomizer() {
			return new KafkaClientCustomizer() {
				@Override
				public void customizeContainer(KafkaClient client,
						org.springframework.kafka.listener.ConcurrentMessageListenerContainer<?, ?> container) {
					ContainerHooks.this.calls.add("client:" + client.name());
				}
			};
		}

	}

	private static Map<String, Object> producerConfigs(Object factory) {
		return ((DefaultKafkaProducerFactory<?, ?>) factory).getConfigurationProperties();
	}

	@Configuration(proxyBeanMethods = false)
	static class InjectionPoints {

		@Autowired
		KafkaTemplate<String, String> plain;

		@Autowired
		@Qualifier("analyticsKafkaTemplate")
		KafkaTemplate<String, String> analytics;

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplate {

		@Bean(defaultCandidate = false)
		KafkaTemplate<Object, Object> analyticsKafkaTemplate(
				@Qualifier("analyticsProducerFactory") ProducerFactory<Object, Object> factory) {
			KafkaTemplate<Object, Object> template = new KafkaTemplate<>(factory);
			template.setDefaultTopic("user-defined");
			return template;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class Scheduling {

	}

}
