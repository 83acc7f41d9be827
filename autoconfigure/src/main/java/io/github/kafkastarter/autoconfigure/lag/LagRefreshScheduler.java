package io.github.kafkastarter.autoconfigure.lag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import io.github.kafkastarter.autoconfigure.client.AfterStartup;

import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.scheduling.TaskScheduler;

/**
 * Runs every client's {@link AdminLagMonitor} on the starter's scheduler, each at
 * its own interval with a fixed delay (refreshes of one client never overlap), started
 * after the listener containers and stopped before them. The first refreshes, which create
 * the clients' admins and wait on the clusters, run once the application has started (see
 * {@link AfterStartup}).
 */
final class LagRefreshScheduler implements SmartLifecycle, ApplicationListener<ApplicationStartedEvent> {

	// After the listener containers start (so their groups are known); before they stop.
	static final int PHASE = AbstractMessageListenerContainer.DEFAULT_PHASE + 50;

	private final List<AdminLagMonitor> monitors;

	private final TaskScheduler scheduler;

	private final AfterStartup afterStartup;

	private final List<ScheduledFuture<?>> refreshes = new ArrayList<>();

	private boolean running;

	LagRefreshScheduler(List<AdminLagMonitor> monitors, TaskScheduler scheduler,
			AfterStartup afterStartup) {
		this.monitors = List.copyOf(monitors);
		this.scheduler = scheduler;
		this.afterStartup = afterStartup;
	}

	List<AdminLagMonitor> monitors() {
		return this.monitors;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.monitors.forEach(AdminLagMonitor::open);
		this.running = true;
		this.afterStartup.run(this::scheduleRefreshes);
	}

	private synchronized void scheduleRefreshes() {
		if (!this.running || !this.refreshes.isEmpty()) {
			return;
		}
		for (AdminLagMonitor monitor : this.monitors) {
			this.refreshes.add(this.scheduler.scheduleWithFixedDelay(monitor::refresh,
					Duration.ofMillis(Math.max(1, monitor.settings().getInterval().toMillis()))));
		}
	}

	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		this.afterStartup.ready();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.afterStartup.cancel();
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
