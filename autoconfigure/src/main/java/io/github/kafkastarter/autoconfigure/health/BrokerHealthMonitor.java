package io.github.kafkastarter.autoconfigure.health;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs every client's {@link BrokerCheck} on one daemon thread, while the application
 * context runs: from its start to its stop or close, and again after a new start. The checks themselves are asynchronous, so one thread
 * serves any number of clients, even with every cluster unreachable.
 */
final class BrokerHealthMonitor implements SmartLifecycle, DisposableBean {

	private final Map<String, BrokerCheck> checks = new LinkedHashMap<>();

	private final Object lifecycleLock = new Object();

	private @Nullable ScheduledExecutorService scheduler;

	BrokerHealthMonitor(List<BrokerCheck> checks) {
		checks.forEach((check) -> this.checks.put(check.client(), check));
	}

	/**
	 * The check of every client, in client order.
	 * @return the checks
	 */
	Collection<BrokerCheck> checks() {
		return this.checks.values();
	}

	@Override
	public void start() {
		synchronized (this.lifecycleLock) {
			if (this.scheduler != null) {
				return;
			}
			CustomizableThreadFactory threads = new CustomizableThreadFactory("kafka-health-brokers-");
			// A daemon: a forgotten context never keeps the JVM alive.
			threads.setDaemon(true);
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, threads);
			scheduler.setRemoveOnCancelPolicy(true);
			scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
			for (BrokerCheck check : this.checks.values()) {
				// Closed by a previous stop() when the context is started again.
				check.open();
				scheduler.scheduleWithFixedDelay(() -> runSafely(check), 0, check.interval().toMillis(),
						TimeUnit.MILLISECONDS);
			}
			this.scheduler = scheduler;
		}
	}

	private static void runSafely(BrokerCheck check) {
		try {
			check.check();
		}
		catch (RuntimeException ex) {
			// An exception would cancel the periodic task silently; never let one escape.
			LogFactory.getLog(BrokerHealthMonitor.class)
				.debug("Kafka broker check of client '" + check.client() + "' failed unexpectedly", ex);
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleLock) {
			ScheduledExecutorService scheduler = this.scheduler;
			this.scheduler = null;
			if (scheduler != null) {
				scheduler.shutdownNow();
			}
			this.checks.values().forEach(BrokerCheck::close);
		}
	}

	@Override
	public void destroy() {
		// Also when the context closes without stopping its lifecycle beans.
		stop();
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		// Before the listener containers (Integer.MAX_VALUE - 100) start, so the first
		// result is there early, and stopped after them.
		return 0;
	}

}
