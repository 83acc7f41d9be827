package io.github.kafkastarter.autoconfigure.actuate;

import io.github.kafkastarter.autoconfigure.diagnostics.KafkaStarterConfigurationException;
import io.github.kafkastarter.autoconfigure.support.AutoConfigs;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the console page is served, what it is told about the endpoint, and what the
 * endpoint tells it about access and records. No broker.
 */
class KafkaConsoleAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, AutoConfigs.CLIENTS,
				EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
				KafkaEndpointAutoConfiguration.class, KafkaConsoleAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9");

	@Test
	void servedWhenTheEndpointIsExposedOverHttp() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=kafka")
			.run((context) -> assertThat(context).hasBean("kafkaConsoleRouter"));
	}

	@Test
	void notServedWhenTheEndpointIsNotExposedOverHttp() {
		this.runner.withPropertyValues("management.endpoints.jmx.exposure.include=kafka")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("kafkaConsoleRouter"));
	}

	@Test
	void notServedWhenTurnedOff() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=kafka", "kafka.starter.console.enabled=false")
			.run((context) -> assertThat(context).hasBean("kafkaEndpoint").doesNotHaveBean("kafkaConsoleRouter"));
	}

	@Test
	void notServedWhenTheActuatorIsOnAPortOfItsOwn() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=kafka", "management.server.port=0")
			.run((context) -> assertThat(context).doesNotHaveBean("kafkaConsoleRouter"));
	}

	@Test
	void notServedOutsideAServletApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
				AutoConfigs.CLIENTS, EndpointAutoConfiguration.class, KafkaEndpointAutoConfiguration.class,
				KafkaConsoleAutoConfiguration.class))
			.withPropertyValues("spring.kafka.bootstrap-servers=localhost:9",
					"management.endpoints.web.exposure.include=kafka")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("kafkaConsoleRouter"));
	}

	@Test
	void notServedWithoutTheChartLibrary() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=kafka")
			.withClassLoader(new FilteredClassLoader(new org.springframework.core.io.ClassPathResource(
					"META-INF/maven/org.webjars.npm/uplot/pom.properties")))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("kafkaConsoleRouter"));
	}

	@Test
	void thePageFindsTheEndpointRelativeToItself() {
		assertThat(KafkaConsoleAutoConfiguration.config("/kafka-console", "/actuator/kafka"))
			.isEqualTo("{\"endpoint\":\"../actuator/kafka\"}");
		assertThat(KafkaConsoleAutoConfiguration.config("/tools/kafka", "/manage/kafka-endpoint"))
			.isEqualTo("{\"endpoint\":\"../../manage/kafka-endpoint\"}");
	}

	@Test
	void theChartLibraryIsFoundInItsWebJar() {
		assertThat(KafkaConsoleAutoConfiguration.uplotVersion()).isNotBlank();
		assertThat(new org.springframework.core.io.ClassPathResource("META-INF/resources/webjars/uplot/"
				+ KafkaConsoleAutoConfiguration.uplotVersion() + "/dist/uPlot.iife.min.js")
			.exists()).isTrue();
	}

	@Test
	void writeOperationsAndRecordsAreOffByDefaultOutsideTheDevBroker() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=kafka").run((context) -> {
			KafkaEndpoint.ConsoleSettings settings = (KafkaEndpoint.ConsoleSettings) context.getBean(KafkaEndpoint.class)
				.view("console", "settings");
			assertThat(settings.writeOperations()).isFalse();
			assertThat(settings.writeOperationsReason()).contains("management.endpoint.kafka.access=unrestricted");
			assertThat(settings.records()).isFalse();
			assertThat(settings.recordsReason()).contains("kafka.starter.console.records=true");
		});
	}

	@Test
	void writeOperationsFollowTheEndpointsAccessAndRecordsTheProperty() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=kafka",
					"management.endpoint.kafka.access=UNRESTRICTED", "kafka.starter.console.records=true")
			.run((context) -> assertThat(context.getBean(KafkaEndpoint.class).view("console", "settings"))
				.isEqualTo(KafkaEndpoint.ConsoleSettings.of(true, true)));
	}

	@Test
	void writeOperationsAreOffWhenTheApplicationCapsAccess() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=kafka",
					"management.endpoint.kafka.access=UNRESTRICTED", "management.endpoints.access.max-permitted=READ_ONLY")
			.run((context) -> assertThat(((KafkaEndpoint.ConsoleSettings) context.getBean(KafkaEndpoint.class)
				.view("console", "settings")).writeOperations()).isFalse());
	}

	@Test
	void recordsAreOnByDefaultWithTheDevBroker() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=kafka")
			.withBean(KafkaEndpointAutoConfiguration.DEV_BROKER_BEAN, Object.class, Object::new)
			.run((context) -> assertThat(((KafkaEndpoint.ConsoleSettings) context.getBean(KafkaEndpoint.class)
				.view("console", "settings")).records()).isTrue());
	}

	@Test
	void aPathThatIsNotOneFailsAtStartup() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=kafka",
				"kafka.starter.console.path=kafka console")
			.withConfiguration(AutoConfigurations.of(AutoConfigs.DIAGNOSTICS))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(KafkaStarterConfigurationException.class)
				.hasMessageContaining("kafka.starter.console.path"));
	}

}
