package io.github.kafkastarter.autoconfigure.lag;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Runs the starter's lag monitor refresh by hand and counts what it asks of the broker:
 * Admin API calls, and the network requests the admin client sends for them (and the
 * monitor's consumer, when it reads the last offsets of a partition). Lives in the
 * monitor's package (on the benchmark's classpath only) to reach its test seam.
 */
public final class LagRefreshProbe implements AutoCloseable {

	private final AtomicInteger calls = new AtomicInteger();

	private final AdminLagMonitor monitor;

	private final Admin admin;

	private volatile Consumer<byte[], byte[]> reader;

	/**
	 * A probe watching groups that subscribe to topics.
	 * @param bootstrapServers the broker
	 * @param groupTopics each group and the topics it reads
	 */
	public LagRefreshProbe(String bootstrapServers, Map<String, Set<String>> groupTopics) {
		Map<String, WatchedGroup> groups = new LinkedHashMap<>();
		groupTopics.forEach((group, topics) -> groups.put(group, new WatchedGroup(topics, Set.of())));
		LagProperties settings = new LagProperties();
		settings.setTimeout(java.time.Duration.ofSeconds(60));
		Map<String, Object> connection = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				AdminClientConfig.CLIENT_ID_CONFIG, "lag-refresh-benchmark");
		this.admin = Admin.create(connection);
		Admin counting = countingAdmin(this.admin);
		this.monitor = new AdminLagMonitor("default", settings, () -> groups, () -> counting,
				() -> Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
						AdminClientConfig.CLIENT_ID_CONFIG, "lag-refresh-benchmark-tail"),
				() -> IsolationLevel.READ_UNCOMMITTED, this::reader);
	}

	/**
	 * One refresh.
	 * @return what it cost and what it found
	 */
	public Result refresh() {
		int callsBefore = this.calls.get();
		double requestsBefore = networkRequests();
		long start = System.nanoTime();
		this.monitor.refresh();
		long nanos = System.nanoTime() - start;
		LagSnapshot snapshot = this.monitor.snapshot();
		int partitions = snapshot.groups().stream().mapToInt((group) -> group.partitions().size()).sum();
		return new Result(this.calls.get() - callsBefore, (long) (networkRequests() - requestsBefore), nanos,
				snapshot.groups().size(), partitions, snapshot.stale() ? snapshot.lastError() : null);
	}

	// What the admin sent, and the consumer that reads the ends of partitions where a group
	// seems stuck just short of the end (when it reads at all).
	private double networkRequests() {
		double total = requests(this.admin.metrics(), "admin-client-metrics");
		Consumer<byte[], byte[]> reader = this.reader;
		if (reader != null) {
			total += requests(reader.metrics(), "consumer-metrics");
		}
		return total;
	}

	private static double requests(Map<MetricName, ? extends Metric> metrics, String group) {
		double total = 0;
		for (Map.Entry<MetricName, ? extends Metric> metric : metrics.entrySet()) {
			if (metric.getKey().name().equals("request-total") && metric.getKey().group().equals(group)
					&& metric.getValue().metricValue() instanceof Number value) {
				total += value.doubleValue();
			}
		}
		return total;
	}

	private Consumer<byte[], byte[]> reader(Map<String, Object> configs) {
		Consumer<byte[], byte[]> reader = new KafkaConsumer<>(configs, new ByteArrayDeserializer(),
				new ByteArrayDeserializer());
		this.reader = reader;
		return reader;
	}

	private Admin countingAdmin(Admin real) {
		return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] { Admin.class },
				(proxy, method, args) -> {
					if (!method.getName().equals("close") && !method.getName().equals("metrics")) {
						this.calls.incrementAndGet();
					}
					try {
						return method.invoke(real, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	@Override
	public void close() {
		this.monitor.close();
		this.admin.close();
	}

	/**
	 * One refresh.
	 *
	 * @param adminCalls Admin API calls
	 * @param networkRequests requests the admin client sent (lookups included), and the
	 * consumer that reads the ends of partitions, if it read
	 * @param nanos how long it took
	 * @param groups groups in the snapshot
	 * @param partitions group partitions in the snapshot
	 * @param error why it failed, or {@code null}
	 */
	public record Result(int adminCalls, long networkRequests, long nanos, int groups, int partitions, String error) {

	}

}
