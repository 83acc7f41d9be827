package io.github.kafkastarter.autoconfigure.support;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The starter's task scheduler (register it as {@code kafkaStarterTaskScheduler}) that
 * records what is handed to it, and when: a one-off task as {@code "once"}, a task at a
 * fixed delay as {@code "fixed-delay"}.
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

}
