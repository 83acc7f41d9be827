package io.github.kafkastarter.autoconfigure.clientmetrics;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Closes the skew window of every client's {@link ProducerRecordMeters} once per
 * {@code kafka.starter.client-metrics.skew-window}, on the starter's scheduler: one short
 * task for all clients, reading only memory and the producers' metadata caches.
 */
final class ProducerSkewWindows implements SmartLifecycle {

	private final Queue<ProducerRecordMeters> meters = new ConcurrentLinkedQueue<>();

	private final Supplier<@Nullable TaskScheduler> scheduler;

	private final Duration window;

	private @Nullable ScheduledFuture<?> rolling;

	ProducerSkewWindows(Supplier<@Nullable TaskScheduler> scheduler, Duration window) {
		this.scheduler = scheduler;
		this.window = window;
	}

	void add(ProducerRecordMeters clientMeters) {
		this.meters.add(clientMeters);
	}

	void roll() {
		this.meters.forEach(ProducerRecordMeters::roll);
	}

	@Override
	public synchronized void start() {
		if (this.rolling == null) {
			TaskScheduler scheduler = this.scheduler.get();
			if (scheduler != null) {
				this.rolling = scheduler.scheduleAtFixedRate(this::roll, this.window);
			}
		}
	}

	@Override
	public synchronized void stop() {
		if (this.rolling != null) {
			this.rolling.cancel(false);
			this.rolling = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.rolling != null;
	}

}
