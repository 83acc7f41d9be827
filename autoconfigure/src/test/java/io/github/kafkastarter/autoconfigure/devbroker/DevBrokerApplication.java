package io.github.kafkastarter.autoconfigure.devbroker;

import java.util.concurrent.CountDownLatch;

import io.github.kafkastarter.autoconfigure.support.ImportAutoConfigs;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * An application with a dev broker, run in a JVM of its own by
 * {@link DevBrokerIntegrationTests}: it starts, writes some records (so the broker has
 * logs and checkpoints to write when it stops), says {@value #READY} and runs until the
 * JVM is told to stop.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfigs({ "devbroker.DevBrokerAutoConfiguration",
			"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
			"client.KafkaClientsAutoConfiguration" })
public class DevBrokerApplication {

	static final String READY = "DEV BROKER APPLICATION READY";

	public static void main(String[] args) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(DevBrokerApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "kafka.starter.dev-broker.topics[0].name=orders",
					"kafka.starter.dev-broker.topics[0].partitions=4")
			.run(args);
		KafkaTemplate<Object, Object> template = context.getBean(KafkaTemplate.class);
		for (int i = 0; i < 200; i++) {
			template.send("orders", "key-" + i, "order-" + i);
		}
		template.flush();
		System.out.println(READY);
		// Until the JVM stops: Spring's shutdown hook closes the context.
		new CountDownLatch(1).await();
	}

}
