package io.github.kafkastarter.autoconfigure.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every container a listener container factory bean creates reaches the
 * {@link KafkaClientCustomizer}s, while the factory's own {@code ContainerCustomizer}
 * (Boot's, set from a bean, or the application's, set in code at any time) and a
 * listener's {@code ContainerPostProcessor} keep working.
 */
class ListenerContainerFactoryHookTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaClientsAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=main:9092", "spring.kafka.consumer.group-id=hooks")
		.withUserConfiguration(Recorder.class);

	@Test
	void theApplicationsOwnFactoryKeepsTheCustomizerItSetInCode() {
		this.runner.withUserConfiguration(BootCustomizer.class, OwnFactory.class).run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			context.getBean("ownFactory", ConcurrentKafkaListenerContainerFactory.class).createContainer("own");
			context.getBean("kafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class)
				.createContainer("boot");
			assertThat(recorder.calls).containsExactly("own-customizer own", "client:default own",
					"boot-customizer boot", "client:default boot");
		});
	}

	@Test
	void aContainerCustomizerSetAfterStartUpLeavesTheClientCustomizersInPlace() {
		this.runner.run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			@SuppressWarnings("unchecked")
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory = context
				.getBean("kafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class);
			factory.setContainerCustomizer((container) -> recorder.record("late-customizer", container));
			factory.setConcurrency(3);
			ConcurrentMessageListenerContainer<Object, Object> container = factory.createContainer("late");
			assertThat(recorder.calls).containsExactly("late-customizer late", "client:default late");
			assertThat(container.getConcurrency()).isEqualTo(3);
		});
	}

	@Test
	void aListenerContainerIsCustomizedOnceAfterTheListenersOwnPostProcessor() {
		this.runner.withUserConfiguration(BootCustomizer.class, PostProcessedListener.class).run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer("postProcessed");
			assertThat(container).isNotNull();
			assertThat(recorder.calls).containsExactly("boot-customizer post-processed",
					"post-processor post-processed", "client:default post-processed");
			assertThat(context.getBean(ListenerEndpoints.class).endpoint(container))
				.hasValueSatisfying((endpoint) -> assertThat(endpoint.getMethod().getName()).isEqualTo("listen"));
		});
	}

	@Test
	void factoriesKeepTheirTypeForInjection() {
		this.runner.withPropertyValues("kafka.starter.clients.audit.bootstrap-servers=audit:9092")
			.withUserConfiguration(TypedInjection.class)
			.run((context) -> {
				TypedInjection injection = context.getBean(TypedInjection.class);
				assertThat(injection.boot).isSameAs(context.getBean("kafkaListenerContainerFactory"));
				assertThat(injection.audit).isSameAs(context.getBean("auditKafkaListenerContainerFactory"));
				assertThat(injection.audit.getConsumerFactory()).isSameAs(context.getBean("auditConsumerFactory"));
			});
	}

	@Test
	void aFinalFactoryClassFailsStartUpNamingTheBean() {
		this.runner.withUserConfiguration(FinalFactory.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(KafkaStarterConfigurationException.class)
				.hasMessageContaining("listener container factory 'finalFactory'")
				.hasMessageContaining("final");
		});
	}

	@Test
	void aFactoryInACircularReferenceIsTheSameDecoratedBeanEverywhere() {
		this.runner.withAllowCircularReferences(true).withUserConfiguration(Circular.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Object factory = context.getBean("circularFactory");
			assertThat(context.getBean(Circular.Holder.class).factory).isSameAs(factory);
			((CircularFactory) factory).createContainer("circular");
			assertThat(context.getBean(Recorder.class).calls).containsExactly("client:default circular");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Recorder {

		final List<String> calls = new CopyOnWriteArrayList<>();

		void record(String what, MessageListenerContainer container) {
			String[] topics = container.getContainerProperties().getTopics();
			this.calls.add(what + " " + ((topics != null) ? String.join(",", topics) : "?"));
		}

		@Bean
		KafkaClientCustomizer recordingClientCustomizer() {
			return new KafkaClientCustomizer() {

				@Override
				public void customizeContainer(KafkaClient client, ConcurrentMessageListenerContainer<?, ?> container) {
					record("client:" + client.name(), container);
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BootCustomizer {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> bootCustomizer(
				Recorder recorder) {
			return (container) -> recorder.record("boot-customizer", container);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFactory {

		@Bean
		ConcurrentKafkaListenerContainerFactory<Object, Object> ownFactory(ConsumerFactory<Object, Object> consumers,
				Recorder recorder) {
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
			factory.setConsumerFactory(consumers);
			factory.setContainerCustomizer((container) -> recorder.record("own-customizer", container));
			return factory;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PostProcessedListener {

		@Bean
		static ContainerPostProcessor<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> recordingPostProcessor(
				Recorder recorder) {
			return (container) -> recorder.record("post-processor", container);
		}

		@KafkaListener(id = "postProcessed", topics = "post-processed", autoStartup = "false",
				containerPostProcessor = "recordingPostProcessor")
		void listen(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TypedInjection {

		@Autowired
		ConcurrentKafkaListenerContainerFactory<String, String> boot;

		@Autowired
		@Qualifier("auditKafkaListenerContainerFactory")
		ConcurrentKafkaListenerContainerFactory<String, String> audit;

	}

	static final class FinalListenerContainerFactory extends ConcurrentKafkaListenerContainerFactory<Object, Object> {

	}

	@Configuration(proxyBeanMethods = false)
	static class FinalFactory {

		@Bean
		FinalListenerContainerFactory finalFactory(ConsumerFactory<Object, Object> consumers) {
			FinalListenerContainerFactory factory = new FinalListenerContainerFactory();
			factory.setConsumerFactory(consumers);
			return factory;
		}

	}

	static class CircularFactory extends ConcurrentKafkaListenerContainerFactory<Object, Object> {

		@Autowired
		Circular.Holder holder;

	}

	@Configuration(proxyBeanMethods = false)
	static class Circular {

		@Bean
		CircularFactory circularFactory(ConsumerFactory<Object, Object> consumers) {
			CircularFactory factory = new CircularFactory();
			factory.setConsumerFactory(consumers);
			return factory;
		}

		// Lazy: made while the factory is being injected, so it gets the factory's early reference.
		@Bean
		@Lazy
		Holder holder() {
			return new Holder();
		}

		static class Holder {

			@Autowired
			CircularFactory factory;

		}

	}

}
