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

	/**
	 * Creates a topic and waits until every partition has a leader: an idempotent producer
	 * that writes to a topic the broker is still setting up can get stuck retrying.
	 */
	void createTopic(String name, int partitions) throws InterruptedException, ExecutionException {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers))) {
			admin.createTopics(java.util.List.of(new NewTopic(name, partitions, (short) 1))).all().get();
			long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
			while (System.nanoTime() < deadline) {
				try {
					boolean ready = admin.describeTopics(java.util.List.of(name))
						.allTopicNames()
						.get()
						.get(name)
						.partitions()
						.stream()
						.allMatch((partition) -> partition.leader() != null && !partition.leader().isEmpty());
					if (ready) {
						return;
					}
				}
				catch (ExecutionException ex) {
					// Just created: the broker may not know the topic yet.
					if (!(ex.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
						throw ex;
					}
				}
				Thread.sleep(50);
			}
			throw new IllegalStateException("Topic " + name + " has no leader after 30 s");
		}
	}

}
