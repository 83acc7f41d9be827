package io.github.kafkastarter.startup;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The small application of the {@code startup} benchmark: one {@code @KafkaListener} and one
 * bean that sends through the {@code KafkaTemplate}. Run in a JVM of its own, with or
 * without the starter on the classpath, it prints one line,
 * {@code STARTUP ms=<context start> cpu=<ms> heap=<bytes> metaspace=<bytes> beans=<count> ready=<ms>}:
 * the time {@code SpringApplication.run} took, the CPU time the JVM had used by then (all
 * its threads, the JVM's own start included), the heap and metaspace in use after start
 * once a full collection has run, and the time until the listener had its partitions.
 * Outside the benchmarks' package so that their applications do not scan it.
 */
@SpringBootApplication
public class StartupApplication {

	public static void main(String[] args) {
		long start = System.nanoTime();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(StartupApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.kafka.bootstrap-servers=" + args[0], "spring.main.banner-mode=off",
					"logging.level.root=warn", "spring.kafka.consumer.group-id=startup",
					"spring.kafka.consumer.auto-offset-reset=earliest",
					// A start-up measures the application, not a broker started for it.
					"kafka.starter.dev-broker.enabled=false")
			.run();
		long millis = (System.nanoTime() - start) / 1_000_000;
		long cpuMillis = (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
				? os.getProcessCpuTime() / 1_000_000 : -1;
		int beans = context.getBeanDefinitionCount();
		// A Kafka application is ready when its listeners have their partitions, which their
		// consumers get on threads of their own after run returns: what one application does
		// before run returns (the starter's missing-topics check asks the cluster), another
		// does after. Checked every millisecond: no listener event marks the moment for both.
		KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
		long readyDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
		while (!assigned(registry) && System.nanoTime() < readyDeadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		long readyMillis = assigned(registry) ? (System.nanoTime() - start) / 1_000_000 : -1;
		// What the application keeps, not what it left for the collector. Its threads
		// (consumers, the admin) go on allocating after a collection: the least of three
		// readings, each right after one.
		long heap = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		long metaspace = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.NON_HEAP && pool.getName().equals("Metaspace"))
			.mapToLong((MemoryPoolMXBean pool) -> pool.getUsage().getUsed())
			.sum();
		System.out.printf("STARTUP ms=%d cpu=%d heap=%d metaspace=%d beans=%d ready=%d%n", millis, cpuMillis, heap,
				metaspace, beans, readyMillis);
		System.out.flush();
		context.close();
		System.exit(0);
	}

	private static boolean assigned(KafkaListenerEndpointRegistry registry) {
		return registry.getListenerContainers().stream().allMatch((container) -> {
			Collection<?> partitions = container.getAssignedPartitions();
			return partitions != null && !partitions.isEmpty();
		});
	}

	/**
	 * A listener, as every application of the starter has.
	 */
	@Component
	static class Orders {

		private final KafkaTemplate<String, String> template;

		Orders(KafkaTemplate<String, String> template) {
			this.template = template;
		}

		@KafkaListener(topics = "startup-orders")
		void onOrder(String order) {
			this.template.send("startup-shipments", order);
		}

	}

}
