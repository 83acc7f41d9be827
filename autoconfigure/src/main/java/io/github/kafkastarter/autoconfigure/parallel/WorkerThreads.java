package io.github.kafkastarter.autoconfigure.parallel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.kafka.support.KafkaUtils;

/**
 * Worker threads for parallel listeners: virtual threads on Java 21+ (through Spring's
 * {@link VirtualThreadTaskExecutor}, which the starter can use while built for Java 17),
 * daemon platform threads otherwise.
 */
final class WorkerThreads {

	private WorkerThreads() {
	}

	static boolean virtualThreadsAvailable() {
		return Runtime.version().feature() >= 21;
	}

	/**
	 * A pool of at most {@code concurrency} workers, idle ones ending after a minute.
	 * @param prefix the threads' name prefix
	 * @param concurrency how many run at once
	 * @param virtual whether the threads are virtual ({@link #virtualThreadsAvailable()}
	 * must be {@code true})
	 * @param groupId the listener's consumer group, which Spring Kafka's dead-letter
	 * publishing reads from the thread, as on the consumer's thread
	 * @return the pool
	 */
	static ExecutorService pool(String prefix, int concurrency, boolean virtual, @Nullable String groupId) {
		ThreadFactory threads = virtual ? new VirtualThreadTaskExecutor(prefix).getVirtualThreadFactory()
				: platformThreads(prefix);
		ThreadFactory withGroup = (runnable) -> threads.newThread(() -> {
			KafkaUtils.setConsumerGroupId(groupId);
			runnable.run();
		});
		ThreadPoolExecutor pool = new ThreadPoolExecutor(concurrency, concurrency, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), withGroup);
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	private static ThreadFactory platformThreads(String prefix) {
		AtomicLong counter = new AtomicLong();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
