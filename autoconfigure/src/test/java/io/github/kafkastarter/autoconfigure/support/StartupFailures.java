package io.github.kafkastarter.autoconfigure.support;

import java.time.Duration;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Starts a real Spring Boot application that is expected to fail, and returns the failure
 * report Spring Boot printed.
 */
public final class StartupFailures {

	private StartupFailures() {
	}

	/**
	 * Runs an application with the given properties, asserts that start-up fails within a
	 * bound (no hang), and returns the printed report.
	 * @param output the captured console output
	 * @param properties the application's properties
	 * @return the "APPLICATION FAILED TO START" report
	 */
	public static String report(CapturedOutput output, String... properties) {
		return report(output, new Class<?>[0], properties);
	}

	/**
	 * Runs an application with more configuration (listener beans, for example), asserts
	 * that start-up fails within a bound, and returns the printed report.
	 * @param output the captured console output
	 * @param configurations more configuration classes
	 * @param properties the application's properties
	 * @return the "APPLICATION FAILED TO START" report
	 */
	public static String report(CapturedOutput output, Class<?>[] configurations, String... properties) {
		Class<?>[] sources = new Class<?>[configurations.length + 1];
		sources[0] = App.class;
		System.arraycopy(configurations, 0, sources, 1, configurations.length);
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> {
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(sources)
				.web(WebApplicationType.NONE)
				.properties(properties)
				.run()) {
				// reaching here means start-up did not fail
			}
		}).isNotNull());
		String all = output.getAll();
		int start = all.lastIndexOf("APPLICATION FAILED TO START");
		assertThat(start).as("Spring Boot failure report").isNotNegative();
		return all.substring(start);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfigs({ "diagnostics.DiagnosticsAutoConfiguration",
			"devbroker.DevBrokerAutoConfiguration",
			"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
			"client.KafkaClientsAutoConfiguration",
			"interceptor.InterceptorAutoConfiguration",
			"producer.ProducerReliabilityAutoConfiguration",
			"errorhandling.ListenerErrorHandlingAutoConfiguration",
			"membership.GroupMembershipAutoConfiguration",
			"poisonpill.PoisonPillAutoConfiguration",
			"dedup.DeduplicationAutoConfiguration" })
	static class App {

	}

}
