package io.github.kafkastarter.benchmarks;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter as an application gets it: auto-configuration, a meter registry, the
 * interceptor beans in {@link BenchmarkBeans}.
 */
@SpringBootApplication
public class StarterApplication {

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
