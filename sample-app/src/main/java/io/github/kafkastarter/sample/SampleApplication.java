package io.github.kafkastarter.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An order flow on Kafka: orders come in over HTTP, go out keyed by customer, come back
 * through a listener, and an audit copy travels on a second, named client.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
