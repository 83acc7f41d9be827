package io.github.kafkastarter.autoconfigure.parity;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.kafkastarter.autoconfigure.client.KafkaClientCustomizer;
import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaAdminOperations;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaResourceFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;
import org.springframework.kafka.listener.ListenerContainerRegistry;
import org.springframework.kafka.retrytopic.RetryTopicConfiguration;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionManager;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lookup by type that works in an application with Spring Boot alone finds the same
 * bean once the starter is added: {@code getBean(Type.class)} and an injection point
 * without a qualifier. The applications are what {@code @SpringBootApplication} builds
 * from everything on the test classpath (actuator, metrics, JDBC...), once with the
 * starter's auto-configurations excluded and once with them. Every public type of every
 * bean in either context is looked up, the Kafka types below by name as well, and the
 * starter's beans of types Boot has none of are found by their type.
 */
class BootByTypeLookupTests {

	/** Every Kafka bean type an application may look up. */
	static final List<Class<?>> KAFKA_TYPES = List.of(KafkaProperties.class, KafkaConnectionDetails.class,
			ProducerFactory.class, DefaultKafkaProducerFactory.class, ConsumerFactory.class,
			DefaultKafkaConsumerFactory.class, KafkaResourceFactory.class, KafkaTemplate.class, KafkaOperations.class,
			ProducerListener.class, KafkaListenerContainerFactory.class, AbstractKafkaListenerContainerFactory.class,
			ConcurrentKafkaListenerContainerFactory.class, ConcurrentKafkaListenerContainerFactoryConfigurer.class,
			KafkaListenerEndpointRegistry.class, ListenerContainerRegistry.class, KafkaAdmin.class,
			KafkaAdminOperations.class, KafkaTransactionManager.class, KafkaAwareTransactionManager.class,
			PlatformTransactionManager.class, TransactionManager.class, RetryTopicConfiguration.class,
			KafkaStreamsConfiguration.class, StreamsBuilderFactoryBean.class, ShareConsumerFactory.class,
			ShareKafkaListenerContainerFactory.class);

	/** Types only the starter has beans of, with the bean a lookup by type must find. */
	static final Map<Class<?>, String> STARTER_TYPES = Map.of(KafkaClients.class, "kafkaClients",
			ShareConsumerFactory.class, "shareConsumerFactory", ShareKafkaListenerContainerFactory.class,
			"shareKafkaListenerContainerFactory");

	private static final ApplicationContextRunner APPLICATION = new ApplicationContextRunner()
		.withUserConfiguration(Application.class)
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "spring.application.name=parity");

	private static final ApplicationContextRunner BOOT_ALONE = APPLICATION
		.withPropertyValues("spring.autoconfigure.exclude=" + String.join(",", starterAutoConfigurationNames()));

	@Test
	void lookupsThatWorkWithBootAloneFindTheSameBeansWithTheStarter() {
		assertSameLookups(APPLICATION, BOOT_ALONE);
	}

	@Test
	void lookupsStayBootsWithNamedClientsTransactionsRetryTopicsAndStreams() {
		assertSameLookups(APPLICATION.withUserConfiguration(Streams.class),
				BOOT_ALONE.withUserConfiguration(Streams.class),
				"spring.kafka.producer.transaction-id-prefix=parity-tx-",
				"spring.kafka.retry.topic.enabled=true", "spring.kafka.streams.application-id=parity-streams",
				"spring.kafka.streams.auto-startup=false", "kafka.starter.clients.audit.client-id=audit",
				"kafka.starter.clients.billing.producer.transaction-id-prefix=billing-tx-");
	}

	@Test
	void anApplicationsOwnKafkaClientCustomizerIsTheOneFoundByItsType() {
		Class<?>[] starter = BootParityTests.STARTER;
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaMetricsAutoConfiguration.class))
			.withConfiguration(AutoConfigurations.of(starter))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("applicationCustomizer", KafkaClientCustomizer.class, () -> new KafkaClientCustomizer() {
			})
			.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9", "kafka.starter.lag.enabled=false",
					"kafka.starter.producer.verify-durability=off", "kafka.starter.clients.audit.client-id=audit")
			.run((context) -> assertThat(Lookup.of(context, KafkaClientCustomizer.class))
				.isEqualTo(new Lookup("applicationCustomizer", "applicationCustomizer", "")));
	}

	private void assertSameLookups(ApplicationContextRunner withStarter, ApplicationContextRunner bootAlone,
			String... properties) {
		Set<Class<?>> types = new LinkedHashSet<>(KAFKA_TYPES);
		List<String> broken = new ArrayList<>();
		bootAlone.withPropertyValues(properties).run((bootContext) -> {
			assertThat(bootContext).hasNotFailed();
			withStarter.withPropertyValues(properties).run((starterContext) -> {
				assertThat(starterContext).hasNotFailed();
				types.addAll(beanTypes(bootContext));
				types.addAll(beanTypes(starterContext));
				// The starter's own beans of a type Boot has none of are found by that type.
				STARTER_TYPES.forEach((type, name) -> assertThat(Lookup.of(starterContext, type))
					.isEqualTo(new Lookup(name, name, "")));
				for (Class<?> type : types) {
					Lookup alone = Lookup.of(bootContext, type);
					Lookup starter = Lookup.of(starterContext, type);
					if ((alone.getBean() != null && !alone.getBean().equals(starter.getBean()))
							|| (alone.injection() != null && !alone.injection().equals(starter.injection()))) {
						broken.add(type.getName() + ": with Boot alone " + alone + ", with the starter " + starter);
					}
				}
			});
		});
		assertThat(broken).isEmpty();
	}

	private static Set<Class<?>> beanTypes(AssertableApplicationContext context) {
		Set<Class<?>> types = new LinkedHashSet<>();
		for (String name : context.getBeanDefinitionNames()) {
			Class<?> type = context.getType(name);
			if (type != null) {
				collect(type, types);
			}
		}
		types.remove(Object.class);
		return types;
	}

	private static void collect(Class<?> type, Set<Class<?>> types) {
		if (type == null || types.contains(type)) {
			return;
		}
		// Only what an application can name: a package-private class of Boot's is not a
		// lookup anyone writes.
		if (Modifier.isPublic(type.getModifiers())) {
			types.add(type);
		}
		collect(type.getSuperclass(), types);
		for (Class<?> implemented : type.getInterfaces()) {
			collect(implemented, types);
		}
	}

	/**
	 * What {@code getBean(type)} and an unqualified injection point of the type resolve
	 * to: a bean name, or {@code null} with the failure.
	 */
	record Lookup(String getBean, String injection, String failures) {

		static Lookup of(AssertableApplicationContext context, Class<?> type) {
			String byGetBean = null;
			String byInjection = null;
			List<String> failures = new ArrayList<>();
			try {
				byGetBean = nameOf(context, context.getBean(type));
			}
			catch (BeansException ex) {
				failures.add("getBean: " + ex.getClass().getSimpleName());
			}
			try {
				ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
				byInjection = nameOf(context, beanFactory.resolveDependency(new TypeDependency(type), null));
			}
			catch (BeansException ex) {
				failures.add("injection: " + ex.getClass().getSimpleName());
			}
			return new Lookup(byGetBean, byInjection, String.join(", ", failures));
		}

		@Override
		public String toString() {
			return "getBean -> " + this.getBean + ", injection -> " + this.injection
					+ (this.failures.isEmpty() ? "" : " (" + this.failures + ")");
		}

	}

	private static String nameOf(AssertableApplicationContext context, Object bean) {
		for (String name : context.getBeanNamesForType(ClassUtils.getUserClass(bean))) {
			if (context.getBean(name) == bean) {
				return name;
			}
		}
		for (String name : context.getBeanDefinitionNames()) {
			if (context.getBean(name) == bean) {
				return name;
			}
		}
		return "unnamed " + bean.getClass().getName();
	}

	private static List<String> starterAutoConfigurationNames() {
		List<String> names = new ArrayList<>();
		for (Class<?> type : BootParityTests.STARTER) {
			names.add(type.getName());
		}
		return names;
	}

	/**
	 * An injection point of one type, without a qualifier: a field of that type as Spring
	 * sees it.
	 */
	static final class TypeDependency extends DependencyDescriptor {

		private final Class<?> type;

		TypeDependency(Class<?> type) {
			super(Holder.field(), true);
			this.type = type;
		}

		@Override
		public Class<?> getDependencyType() {
			return this.type;
		}

		@Override
		public ResolvableType getResolvableType() {
			return ResolvableType.forClass(this.type);
		}

		@Override
		public String getDependencyName() {
			return null;
		}

	}

	static final class Holder {

		Object value;

		static Field field() {
			try {
				return Holder.class.getDeclaredField("value");
			}
			catch (NoSuchFieldException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableKafkaStreams
	static class Streams {

	}

}
