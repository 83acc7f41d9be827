package io.github.kafkastarter.benchmarks;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The starter as an application gets it: its auto-configuration with every default on
 * (metrics with a meter registry, end-to-end latency, lag, poison-pill safety, the durable
 * profile...), and an interceptor bean, {@link CountingInterceptor}.
 */
@SpringBootApplication
public class StarterApplication {

	@Bean
	CountingInterceptor countingInterceptor() {
		return new CountingInterceptor();
	}

	/**
	 * The same application with Spring Boot's Kafka support only: every auto-configuration
	 * of the starter excluded.
	 */
	static ConfigurableApplicationContext startWithoutStarter(String bootstrapServers, String... properties) {
		String starter = ImportCandidates.load(AutoConfiguration.class, StarterApplication.class.getClassLoader())
			.getCandidates()
			.stream()
			.filter((name) -> name.startsWith("io.github.kafkastarter."))
			.collect(Collectors.joining(","));
		String[] all = Arrays.copyOf(properties, properties.length + 2);
		all[properties.length] = "spring.autoconfigure.exclude=" + starter;
		all[properties.length + 1] = "spring.jmx.enabled=false";
		return start(bootstrapServers, all);
	}

	static ConfigurableApplicationContext start(String bootstrapServers, String... properties) {
		String[] all = new String[properties.length + 3];
		all[0] = "spring.kafka.bootstrap-servers=" + bootstrapServers;
		all[1] = "spring.main.banner-mode=off";
		all[2] = "logging.level.root=warn";
		System.arraycopy(properties, 0, all, 3, properties.length);
		return new SpringApplicationBuilder(StarterApplication.class).web(WebApplicationType.NONE)
			.properties(all)
			.run();
	}

}
