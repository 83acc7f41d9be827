package io.github.kafkastarter.autoconfigure.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;

import io.github.kafkastarter.autoconfigure.client.KafkaClients;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The starter's task scheduler (register it with {@link Registration}) that records what
 * is handed to it, and when: a one-off task as {@code "once"}, a task at a fixed delay as
 * {@code "fixed-delay"}.
 */
public class RecordingTaskScheduler extends ThreadPoolTaskScheduler {

	private final List<String> handed = new CopyOnWriteArrayList<>();

	public RecordingTaskScheduler() {
		setDaemon(true);
	}

	/**
	 * What was handed over so far.
	 * @return a copy, in order
	 */
	public List<String> handed() {
		return List.copyOf(this.handed);
	}

	/**
	 * The recording scheduler of a context.
	 * @param context the context
	 * @return its {@code kafkaStarterTaskScheduler}
	 */
	public static RecordingTaskScheduler of(BeanFactory context) {
		return context.getBean(KafkaClients.TASK_SCHEDULER, RecordingTaskScheduler.class);
	}

	/**
	 * Runs an application with {@code SpringApplication} and records what its scheduler
	 * was handed at the end of the context's refresh and when the runners run
	 * (ApplicationStartedEvent comes between the two).
	 * @param source the application's configuration, with a {@link Registration}
	 * @param properties its properties
	 * @return the running application and what was recorded
	 */
	public static Started run(Class<?> source, String... properties) {
		List<String> whileStarting = new ArrayList<>();
		List<String> whenRunnersRun = new ArrayList<>();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(source).web(WebApplicationType.NONE)
			.properties(properties)
			.properties("spring.main.banner-mode=off")
			.listeners((ApplicationListener<ContextRefreshedEvent>) (event) -> whileStarting
				.addAll(of(event.getApplicationContext()).handed()))
			.initializers((app) -> app.getBeanFactory()
				.registerSingleton("handedWhenRunnersRun",
						(ApplicationRunner) (args) -> whenRunnersRun.addAll(of(app).handed())))
			.run();
		return new Started(context, whileStarting, whenRunnersRun);
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
		this.handed.add("once");
		return super.schedule(task, startTime);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
		this.handed.add("fixed-delay");
		return super.scheduleWithFixedDelay(task, delay);
	}

	/**
	 * An application run by {@link #run}.
	 * @param context the running context
	 * @param whileStarting what the scheduler was handed by the end of the refresh
	 * @param whenRunnersRun what it was handed when the runners ran (a runner may never
	 * return: work held back until then would never start)
	 */
	public record Started(ConfigurableApplicationContext context, List<String> whileStarting,
			List<String> whenRunnersRun) implements AutoCloseable {

		@Override
		public void close() {
			this.context.close();
		}

	}

	/**
	 * Registers a {@link RecordingTaskScheduler} as the starter's scheduler.
	 */
	@Configuration(proxyBeanMethods = false)
	public static class Registration {

		@Bean(KafkaClients.TASK_SCHEDULER)
		RecordingTaskScheduler kafkaStarterTaskScheduler() {
			return new RecordingTaskScheduler();
		}

	}

}
