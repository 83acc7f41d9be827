package io.github.kafkastarter.autoconfigure.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

import io.github.kafkastarter.autoconfigure.client.AfterStartup;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Runs every client's {@link BrokerCheck} on the starter's scheduler while the
 * application context runs: from its start to its stop or close, and again after a new
 * start. A check only starts the admin's asynchronous calls, so it holds a thread for
 * moments, even with every cluster unreachable. The first checks, which create the
 * clients' admins, run once the application has started (see {@link AfterStartup}); the
 * brokers' health is {@code UNKNOWN} until a first check has completed, as it always was.
 */
final class BrokerHealthMonitor implements SmartLifecycle, ApplicationListener<ApplicationStartedEvent> {

	private final Map<String, BrokerCheck> checks = new LinkedHashMap<>();

	private final TaskScheduler scheduler;

	private final AfterStartup afterStartup;

	private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();

	private boolean running;

	BrokerHealthMonitor(List<BrokerCheck> checks, TaskScheduler scheduler, AfterStartup afterStartup) {
		checks.forEach((check) -> this.checks.put(check.client(), check));
		this.scheduler = scheduler;
		this.afterStartup = afterStartup;
	}

	/**
	 * The check of every client, in client order.
	 * @return the checks
	 */
	Collection<BrokerCheck> checks() {
		return this.checks.values();
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		// Closed by a previous stop() when the context is started again.
		this.checks.values().forEach(BrokerCheck::open);
		this.running = true;
		this.afterStartup.run(this::scheduleChecks);
	}

	private synchronized void scheduleChecks() {
		if (!this.running || !this.scheduled.isEmpty()) {
			return;
		}
		for (BrokerCheck check : this.checks.values()) {
			this.scheduled.add(this.scheduler.scheduleWithFixedDelay(() -> runSafely(check), check.interval()));
		}
	}

	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		this.afterStartup.ready();
	}

	private static void runSafely(BrokerCheck check) {
		try {
			check.check();
		}
		catch (RuntimeException ex) {
			LogFactory.getLog(BrokerHealthMonitor.class)
				.debug("Kafka broker check of client '" + check.client() + "' failed unexpectedly", ex);
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.afterStartup.cancel();
		this.scheduled.forEach((task) -> task.cancel(false));
		this.scheduled.clear();
		this.checks.values().forEach(BrokerCheck::close);
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Started before the listener containers (Integer.MAX_VALUE - 100), stopped after
		// them.
		return 0;
	}

}
