package io.github.kafkastarter.benchmarks;

import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What a scenario runs against.
 *
 * @param bootstrapServers the broker
 * @param options the command line
 */
record BenchmarkContext(String bootstrapServers, Benchmarks.Options options) {

	void createTopic(String name, int partitions) throws InterruptedException, ExecutionException {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers))) {
			admin.createTopics(java.util.List.of(new NewTopic(name, partitions, (short) 1))).all().get();
		}
	}

}
