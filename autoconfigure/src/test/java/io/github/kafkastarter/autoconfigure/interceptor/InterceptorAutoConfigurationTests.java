package io.github.kafkastarter.autoconfigure.interceptor;

import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.client.ForClients;
import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

class InterceptorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				InterceptorAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=main:9092",
				"kafka.starter.clients.audit.bootstrap-servers=audit:9092");

	@Test
	void withoutInterceptorBeansKafkaConfigurationIsLeftAlone() {
		this.runner.run((context) -> {
			assertThat(producerConfigs(context, "kafkaProducerFactory"))
				.doesNotContainKey(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
			assertThat(consumerConfigs(context, "auditConsumerFactory"))
				.doesNotContainKey(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
			assertThat(containerFactory(context, "kafkaListenerContainerFactory").getRecordInterceptor()).isNull();
		});
	}

	@Test
	void producerAndConsumerInterceptorBeansReachEveryClientInOrder() {
		this.runner.withUserConfiguration(ClientInterceptors.class).run((context) -> {
			for (String client : List.of("kafka", "audit")) {
				Map<String, Object> producer = producerConfigs(context, client + "ProducerFactory");
				assertThat(producer.get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG))
					.isEqualTo(List.of(BeanProducerInterceptors.class));
				assertThat(chain(producer, BeanProducerInterceptors.CHAIN_CONFIG).interceptors())
					.containsExactly(context.getBean("first"), context.getBean("second"));
				Map<String, Object> consumer = consumerConfigs(context, client + "ConsumerFactory");
				assertThat(consumer.get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG))
					.isEqualTo(List.of(BeanConsumerInterceptors.class));
				assertThat(chain(consumer, BeanConsumerInterceptors.CHAIN_CONFIG).interceptors())
					.containsExactly(context.getBean("consumerInterceptor"));
			}
		});
	}

	@Test
	void kafkasOwnInterceptorClassesKeepWorkingAfterTheBeans() {
		this.runner.withUserConfiguration(ClientInterceptors.class)
			.withPropertyValues(
					"spring.kafka.producer.properties.interceptor.classes=com.example.Audit, com.example.Trace")
			.run((context) -> {
				assertThat(producerConfigs(context, "kafkaProducerFactory").get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG))
					.isEqualTo(List.of(BeanProducerInterceptors.class, "com.example.Audit", "com.example.Trace"));
				// The named client inherits the classes from spring.kafka.
				assertThat(producerConfigs(context, "auditProducerFactory").get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG))
					.isEqualTo(List.of(BeanProducerInterceptors.class, "com.example.Audit", "com.example.Trace"));
			});
	}

	@Test
	void aScopedInterceptorOnlyReachesTheClientsItNames() {
		this.runner.withUserConfiguration(ClientInterceptors.class, ScopedProducerInterceptor.class).run((context) -> {
			assertThat(chain(producerConfigs(context, "auditProducerFactory"), BeanProducerInterceptors.CHAIN_CONFIG)
				.interceptors()).containsExactly(context.getBean("first"), context.getBean("auditOnly"),
						context.getBean("second"));
			assertThat(chain(producerConfigs(context, "kafkaProducerFactory"), BeanProducerInterceptors.CHAIN_CONFIG)
				.interceptors()).containsExactly(context.getBean("first"), context.getBean("second"));
		});
	}

	@Test
	void interceptorsScopedToOtherClientsPutNothingOnTheSendPath() {
		this.runner.withUserConfiguration(ScopedProducerInterceptor.class).run((context) -> {
			// Kafka would call an empty chain on every send and every acknowledgement.
			assertThat(producerConfigs(context, "kafkaProducerFactory"))
				.doesNotContainKey(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG)
				.doesNotContainKey(BeanProducerInterceptors.CHAIN_CONFIG);
			assertThat(chain(producerConfigs(context, "auditProducerFactory"), BeanProducerInterceptors.CHAIN_CONFIG)
				.interceptors()).containsExactly(context.getBean("auditOnly"));
		});
	}

	@Test
	void everyRecordInterceptorBeanIsComposedWhereBootWouldApplyNone() {
		this.runner.withUserConfiguration(RecordInterceptors.class).run((context) -> {
			for (String factory : List.of("kafkaListenerContainerFactory", "auditKafkaListenerContainerFactory")) {
				RecordInterceptor<?, ?> interceptor = containerFactory(context, factory).getRecordInterceptor();
				assertThat(interceptor).isInstanceOf(CompositeRecordInterceptor.class);
				assertThat(interceptor).extracting("delegates")
					.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.COLLECTION)
					.containsExactly(context.getBean("recordFirst"), context.getBean("recordSecond"));
			}
		});
	}

	@Test
	void aLoneScopedRecordInterceptorLeavesOtherClientsAlone() {
		this.runner.withUserConfiguration(AuditRecordInterceptor.class).run((context) -> {
			// Boot alone would put the only RecordInterceptor bean on its default factory.
			assertThat(containerFactory(context, "kafkaListenerContainerFactory").getRecordInterceptor()).isNull();
			assertThat(containerFactory(context, "auditKafkaListenerContainerFactory").getRecordInterceptor())
				.isSameAs(context.getBean("auditRecords"));
		});
	}

	@Test
	void switchedOffLeavesSpringBootsBehaviour() {
		this.runner.withUserConfiguration(ClientInterceptors.class, RecordInterceptors.class)
			.withPropertyValues("kafka.starter.interceptors.enabled=false")
			.run((context) -> {
				assertThat(producerConfigs(context, "kafkaProducerFactory"))
					.doesNotContainKey(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
				assertThat(containerFactory(context, "kafkaListenerContainerFactory").getRecordInterceptor()).isNull();
			});
	}

	@SuppressWarnings("unchecked")
	private static InterceptorChain<Object> chain(Map<String, Object> configs, String key) {
		return (InterceptorChain<Object>) configs.get(key);
	}

	@Test
	void aPartitionerBeanBecomesThePartitionerOfTheClientsItIsScopedTo() {
		this.runner.withUserConfiguration(AuditPartitioner.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Map<String, Object> audit = producerConfigs(context, "auditProducerFactory");
			assertThat(audit.get(ProducerConfig.PARTITIONER_CLASS_CONFIG)).isEqualTo(BeanPartitioner.class);
			assertThat(((BeanPartitioner.Bean) audit.get(BeanPartitioner.BEAN_CONFIG)).partitioner())
				.isSameAs(context.getBean("auditPartitioner"));
			assertThat(producerConfigs(context, "kafkaProducerFactory"))
				.doesNotContainKeys(ProducerConfig.PARTITIONER_CLASS_CONFIG, BeanPartitioner.BEAN_CONFIG);
		});
	}

	@Test
	void twoPartitionerBeansForOneClientFailStartUpNamingBoth() {
		this.runner.withUserConfiguration(AuditPartitioner.class, AnyPartitioner.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(KafkaStarterConfigurationException.class)
				.hasMessageContaining("kafka.starter.clients.audit.producer.properties.partitioner.class")
				.hasMessageContaining("Kafka client 'audit' has 2 Partitioner beans [auditPartitioner, anyPartitioner]");
		});
	}

	@Test
	void aPartitionerBeanBesideAConfiguredPartitionerClassFailsStartUp() {
		this.runner.withUserConfiguration(AnyPartitioner.class)
			.withPropertyValues("spring.kafka.producer.properties.partitioner.class=com.example.Hot")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(KafkaStarterConfigurationException.class)
					.hasMessageContaining("'spring.kafka.producer.properties.partitioner.class' (value 'com.example.Hot')")
					.hasMessageContaining("also has the Partitioner bean 'anyPartitioner'");
			});
	}

	private static Map<String, Object> producerConfigs(ApplicationContext context, String name) {
		return context.getBean(name, DefaultKafkaProducerFactory.class).getConfigurationProperties();
	}

	private static Map<String, Object> consumerConfigs(ApplicationContext context, String name) {
		return context.getBean(name, DefaultKafkaConsumerFactory.class).getConfigurationProperties();
	}

	private static ConcurrentKafkaListenerContainerFactory<?, ?> containerFactory(ApplicationContext context,
			String name) {
		return context.getBean(name, ConcurrentKafkaListenerContainerFactory.class);
	}

	static class NoOpProducerInterceptor implements ProducerInterceptor<Object, Object> {

		@Override
		public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
			return record;
		}

		@Override
		public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
		}

		@Override
		public void close() {
		}

		@Override
		public void configure(Map<String, ?> configs) {
		}

	}

	static class NoOpConsumerInterceptor implements ConsumerInterceptor<Object, Object> {

		@Override
		public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
			return records;
		}

		@Override
		public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
		}

		@Override
		public void close() {
		}

		@Override
		public void configure(Map<String, ?> configs) {
		}

	}

	static class NoOpRecordInterceptor implements RecordInterceptor<Object, Object> {

		@Override
		public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
				Consumer<Object, Object> consumer) {
			return record;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClientInterceptors {

		@Bean
		@Order(3)
		NoOpProducerInterceptor second() {
			return new NoOpProducerInterceptor();
		}

		@Bean
		@Order(1)
		NoOpProducerInterceptor first() {
			return new NoOpProducerInterceptor();
		}

		@Bean
		NoOpConsumerInterceptor consumerInterceptor() {
			return new NoOpConsumerInterceptor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ScopedProducerInterceptor {

		@Bean
		@Order(2)
		@ForClients("audit")
		NoOpProducerInterceptor auditOnly() {
			return new NoOpProducerInterceptor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordInterceptors {

		@Bean
		@Order(20)
		NoOpRecordInterceptor recordSecond() {
			return new NoOpRecordInterceptor();
		}

		@Bean
		@Order(10)
		NoOpRecordInterceptor recordFirst() {
			return new NoOpRecordInterceptor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AuditRecordInterceptor {

		@Bean
		@ForClients("audit")
		NoOpRecordInterceptor auditRecords() {
			return new NoOpRecordInterceptor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AuditPartitioner {

		@Bean
		@ForClients("audit")
		Partitioner auditPartitioner() {
			return new FirstPartition();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AnyPartitioner {

		@Bean
		Partitioner anyPartitioner() {
			return new FirstPartition();
		}

	}

	static class FirstPartition implements Partitioner {

		@Override
		public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes,
				Cluster cluster) {
			return 0;
		}

		@Override
		public void configure(Map<String, ?> configs) {
		}

		@Override
		public void close() {
		}

	}

}
