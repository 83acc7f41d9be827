package io.github.kafkastarter.autoconfigure.parallel;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Worker threads for parallel listeners: virtual threads where the JVM has them (21+),
 * daemon platform threads otherwise. The starter is built for Java 17, so virtual threads
 * are reached by reflection.
 */
final class WorkerThreads {

	private static final @Nullable Method OF_VIRTUAL = findOfVirtual();

	private WorkerThreads() {
	}

	static boolean virtualThreadsAvailable() {
		return OF_VIRTUAL != null;
	}

	static ThreadFactory factory(String prefix, boolean preferVirtual) {
		if (preferVirtual && OF_VIRTUAL != null) {
			ThreadFactory virtual = virtualFactory(prefix);
			if (virtual != null) {
				return virtual;
			}
		}
		AtomicLong counter = new AtomicLong();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	private static @Nullable ThreadFactory virtualFactory(String prefix) {
		try {
			Object builder = OF_VIRTUAL.invoke(null);
			Method name = builder.getClass().getMethod("name", String.class, long.class);
			name.setAccessible(true);
			Object named = name.invoke(builder, prefix, 1L);
			Method factory = named.getClass().getMethod("factory");
			factory.setAccessible(true);
			return (ThreadFactory) factory.invoke(named);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

	private static @Nullable Method findOfVirtual() {
		try {
			return Thread.class.getMethod("ofVirtual");
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

}
