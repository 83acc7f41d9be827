package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.scheduling.TaskScheduler;

/**
 * Schedules the refreshes of every client's {@link AdminLagMonitor} on the starter's
 * scheduler, each at its own interval with a fixed delay (refreshes of one client never
 * overlap), started after the listener containers and stopped before them.
 */
final class LagRefreshScheduler implements SmartLifecycle {

	// After the listener containers start (so their groups are known); before they stop.
	static final int PHASE = AbstractMessageListenerContainer.DEFAULT_PHASE + 50;

	private final List<AdminLagMonitor> monitors;

	private final TaskScheduler scheduler;

	private final List<ScheduledFuture<?>> refreshes = new ArrayList<>();

	private boolean running;

	LagRefreshScheduler(List<AdminLagMonitor> monitors, TaskScheduler scheduler) {
		this.monitors = List.copyOf(monitors);
		this.scheduler = scheduler;
	}

	List<AdminLagMonitor> monitors() {
		return this.monitors;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		for (AdminLagMonitor monitor : this.monitors) {
			monitor.open();
			this.refreshes.add(this.scheduler.scheduleWithFixedDelay(monitor::refresh,
					Duration.ofMillis(Math.max(1, monitor.settings().getInterval().toMillis()))));
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		// The interrupt ends a refresh waiting on the cluster; closing ends a read.
		this.refreshes.forEach((refresh) -> refresh.cancel(true));
		this.refreshes.clear();
		this.monitors.forEach(AdminLagMonitor::close);
		// Nothing is published once stopped.
		this.monitors.forEach((monitor) -> monitor.awaitRefresh(Duration.ofSeconds(10)));
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
