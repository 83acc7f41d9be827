package io.github.kafkastarter.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * The CPU time and the bytes allocated so far by one thread, as the JVM accounts them
 * ({@code com.sun.management.ThreadMXBean}, on every HotSpot JVM).
 */
final class ThreadCost {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private final long threadId;

	private ThreadCost(long threadId) {
		this.threadId = threadId;
	}

	static ThreadCost ofCurrentThread() {
		return new ThreadCost(Thread.currentThread().getId());
	}

	static ThreadCost ofThreadNamed(String name) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(name))
			.findFirst()
			.map((thread) -> new ThreadCost(thread.getId()))
			.orElseThrow(() -> new IllegalStateException("No thread named '" + name + "'"));
	}

	long cpuNanos() {
		return THREADS.getThreadCpuTime(this.threadId);
	}

	long allocatedBytes() {
		return THREADS.getThreadAllocatedBytes(this.threadId);
	}

}
