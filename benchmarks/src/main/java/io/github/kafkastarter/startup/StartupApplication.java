package io.github.kafkastarter.startup;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The small application of the {@code startup} benchmark: one {@code @KafkaListener} and one
 * bean that sends through the {@code KafkaTemplate}. Run in a JVM of its own, with or
 * without the starter on the classpath, it prints one line,
 * {@code STARTUP ms=<context start> cpu=<ms> heap=<bytes> metaspace=<bytes> beans=<count>}:
 * the time {@code SpringApplication.run} took, the CPU time the JVM had used by then (all
 * its threads, the JVM's own start included), and the heap and metaspace in use after
 * start once a full collection has run. Outside the benchmarks' package so that their applications do
 * not scan it.
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
		System.out.printf("STARTUP ms=%d cpu=%d heap=%d metaspace=%d beans=%d%n", millis, cpuMillis, heap, metaspace,
				beans);
		System.out.flush();
		context.close();
		System.exit(0);
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
