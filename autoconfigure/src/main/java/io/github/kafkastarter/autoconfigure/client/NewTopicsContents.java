package io.github.kafkastarter.autoconfigure.client;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaAdmin.NewTopics;

/**
 * The topics a {@link NewTopics} bean holds. Spring Kafka keeps its accessor
 * package-private; {@link KafkaAdmin#newTopics()}, the extension point it documents for
 * subclasses, lists the topics of every {@code NewTopics} bean in a context. This admin is
 * never started: it is given a context that holds one {@code NewTopics} and lists it.
 */
final class NewTopicsContents extends KafkaAdmin {

	private NewTopicsContents() {
		super(Map.of());
	}

	static Collection<NewTopic> of(NewTopics topics) {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.getBeanFactory().registerSingleton("topics", topics);
			context.refresh();
			NewTopicsContents admin = new NewTopicsContents();
			admin.setApplicationContext(context);
			return admin.newTopics();
		}
	}

}
