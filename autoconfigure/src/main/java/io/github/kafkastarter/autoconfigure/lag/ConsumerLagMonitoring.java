package io.github.kafkastarter.autoconfigure.lag;

import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs every client's {@link AdminConsumerLagMonitor} on a scheduler of its own: daemon
 * threads, each monitor at its own interval with a fixed delay (refreshes of one client never
 * overlap), started after the listener containers and stopped, with the admins closed, before
 * them.
 */
final class ConsumerLagMonitoring implements SmartLifecycle, DisposableBean {

	// After the listener containers start (so their groups are known); before they stop.
	static final int PHASE = AbstractMessageListenerContainer.DEFAULT_PHASE + 50;

	private static final int MAX_THREADS = 4;

	private final List<AdminConsumerLagMonitor> monitors;

	private final Object lifecycleMonitor = new Object();

	private @Nullable ScheduledThreadPoolExecutor scheduler;

	ConsumerLagMonitoring(List<AdminConsumerLagMonitor> monitors) {
		this.monitors = List.copyOf(monitors);
	}

	List<AdminConsumerLagMonitor> monitors() {
		return this.monitors;
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.scheduler != null || this.monitors.isEmpty()) {
				return;
			}
			CustomizableThreadFactory threads = new CustomizableThreadFactory("kafka-lag-monitor-");
			threads.setDaemon(true);
			// A client whose brokers are down holds a thread for up to its timeout; a few
			// threads keep the other clients on time.
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(
					Math.min(this.monitors.size(), MAX_THREADS), threads);
			scheduler.setRemoveOnCancelPolicy(true);
			for (AdminConsumerLagMonitor monitor : this.monitors) {
				monitor.open();
				scheduler.scheduleWithFixedDelay(monitor::refresh, 0,
						Math.max(1, monitor.settings().getInterval().toMillis()), TimeUnit.MILLISECONDS);
			}
			this.scheduler = scheduler;
		}
	}

	@Override
	public void stop() {
		ScheduledThreadPoolExecutor scheduler;
		synchronized (this.lifecycleMonitor) {
			scheduler = this.scheduler;
			this.scheduler = null;
		}
		if (scheduler != null) {
			// Closing the admins fails any request in flight; the interrupt ends a wait on one.
			this.monitors.forEach(AdminConsumerLagMonitor::close);
			scheduler.shutdownNow();
			try {
				scheduler.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lifecycleMonitor) {
			return this.scheduler != null;
		}
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() {
		stop();
		this.monitors.forEach(AdminConsumerLagMonitor::close);
	}

}
