package io.github.kafkastarter.autoconfigure.client;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.context.event.ApplicationStartedEvent;

/**
 * Holds back background work that talks to the cluster (a check, a first refresh) until
 * the application has started: started from a lifecycle bean, it would create its admin
 * and wait on the cluster while the listener containers start, and on a small machine
 * compete with the start-up for the CPU. In an application run by {@code SpringApplication}
 * the work runs on {@link ApplicationStartedEvent}: once the context is refreshed, before
 * the application's runners (a runner that never returns must not keep lag and health
 * from starting); in a context refreshed without it (an
 * {@code ApplicationContextRunner}, a plain context), where no such event comes, at once.
 * Work that must stop start-up does not go through here.
 * <p>
 * The owner passes on the event ({@link #ready()}) and drops what has not run when it
 * stops ({@link #cancel()}).
 */
public final class AfterStartup {

	private final boolean awaitReady;

	private final List<Runnable> pending = new ArrayList<>();

	private boolean ready;

	/**
	 * Create an instance.
	 * @param beanFactory the context's bean factory
	 */
	public AfterStartup(ListableBeanFactory beanFactory) {
		// SpringApplication registers the arguments it runs with in the context it runs,
		// and only it publishes ApplicationStartedEvent there: a child context it did not
		// run, whose parent holds the arguments, gets no such event.
		this.awaitReady = beanFactory.getBeanNamesForType(ApplicationArguments.class, false, false).length > 0;
	}

	/**
	 * Runs the work now if the application has started (or no start event will come),
	 * otherwise once it has.
	 * @param work quick: it schedules what waits on the cluster, it does not wait itself
	 */
	public void run(Runnable work) {
		synchronized (this.pending) {
			if (this.awaitReady && !this.ready) {
				this.pending.add(work);
				return;
			}
		}
		work.run();
	}

	/**
	 * The application has started: runs the work held back, and from now on runs work at
	 * once.
	 */
	public void ready() {
		List<Runnable> work;
		synchronized (this.pending) {
			this.ready = true;
			work = List.copyOf(this.pending);
			this.pending.clear();
		}
		work.forEach(Runnable::run);
	}

	/**
	 * Drops the work not yet run (its owner stopped before the application started).
	 */
	public void cancel() {
		synchronized (this.pending) {
			this.pending.clear();
		}
	}

}
