package io.github.kafkastarter.autoconfigure.dedup;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.annotation.KafkaListenerConfigurer;
import org.springframework.kafka.config.KafkaListenerEndpointRegistrar;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.MethodKafkaListenerEndpoint;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where {@link Deduplicated} is found: on a listener method, on a class-level listener's
 * class or on one of its handlers, through a composed annotation, and on the method of an
 * endpoint registered in code. Read from the endpoint each container is created for.
 */
class DeduplicatedAnnotationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				AutoConfigs.PRODUCER, AutoConfigs.ERROR_HANDLING,
					AutoConfigs.MEMBERSHIP, AutoConfigs.POISON_PILLS,
					DeduplicationAutoConfiguration.class))
		.withUserConfiguration(Listeners.class, ClassLevelHandler.class, ClassLevelClass.class,
				ClassLevelPlain.class, ProgrammaticEndpoints.class)
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "spring.kafka.consumer.group-id=shop",
				"kafka.starter.producer.verify-durability=off");

	@Test
	void deduplicatedListenersAreFoundWhereverTheAnnotationIs() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(deduplicated(context, "method")).isTrue();
			assertThat(deduplicated(context, "composed")).isTrue();
			assertThat(deduplicated(context, "handler")).isTrue();
			assertThat(deduplicated(context, "classLevel")).isTrue();
			assertThat(deduplicated(context, "programmatic")).isTrue();
			assertThat(deduplicated(context, "plainMethod")).isFalse();
			assertThat(deduplicated(context, "plainClass")).isFalse();
		});
	}

	private static boolean deduplicated(AssertableApplicationContext context, String listenerId) {
		boolean registered = context.getBean(Deduplication.class).forListener(listenerId).isPresent();
		Object listener = context.getBean(KafkaListenerEndpointRegistry.class)
			.getListenerContainer(listenerId)
			.getContainerProperties()
			.getMessageListener();
		assertThat(listener instanceof DeduplicatingMessageListener<?, ?>).isEqualTo(registered);
		return registered;
	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@Deduplicated
	@interface ExactlyOnce {

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@KafkaListener(id = "method", topics = "dedup-method", autoStartup = "false")
		@Deduplicated
		void onMethod(String value) {
		}

		@KafkaListener(id = "composed", topics = "dedup-composed", autoStartup = "false")
		@ExactlyOnce
		void onComposed(String value) {
		}

		@KafkaListener(id = "plainMethod", topics = "dedup-plain-method", autoStartup = "false")
		void onPlain(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@KafkaListener(id = "handler", topics = "dedup-handler", autoStartup = "false")
	static class ClassLevelHandler {

		@KafkaHandler
		@Deduplicated
		void onString(String value) {
		}

		@KafkaHandler(isDefault = true)
		void onOther(Object value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@KafkaListener(id = "classLevel", topics = "dedup-class", autoStartup = "false")
	@Deduplicated
	static class ClassLevelClass {

		@KafkaHandler
		void onString(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@KafkaListener(id = "plainClass", topics = "dedup-plain-class", autoStartup = "false")
	static class ClassLevelPlain {

		@KafkaHandler
		void onString(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProgrammaticEndpoints implements KafkaListenerConfigurer {

		@Override
		public void configureKafkaListeners(KafkaListenerEndpointRegistrar registrar) {
			MethodKafkaListenerEndpoint<String, String> endpoint = new MethodKafkaListenerEndpoint<>();
			endpoint.setId("programmatic");
			endpoint.setTopics("dedup-programmatic");
			endpoint.setAutoStartup(false);
			endpoint.setBean(new Payments());
			endpoint.setMethod(ClassUtils.getMethod(Payments.class, "onRecord", ConsumerRecord.class));
			DefaultMessageHandlerMethodFactory methods = new DefaultMessageHandlerMethodFactory();
			methods.afterPropertiesSet();
			endpoint.setMessageHandlerMethodFactory(methods);
			registrar.registerEndpoint(endpoint);
		}

		static class Payments {

			@Deduplicated
			public void onRecord(ConsumerRecord<String, String> record) {
			}

		}

	}

}
