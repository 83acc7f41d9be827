package io.github.kafkastarter.autoconfigure.parallel;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The parallel listeners of the application, by listener id, with what they are doing.
 */
public final class ParallelListeners {

	private final Map<String, ParallelDispatcher> dispatchers = new ConcurrentHashMap<>();

	private final List<Consumer<Stats>> onRegister = new CopyOnWriteArrayList<>();

	void register(ParallelDispatcher dispatcher) {
		this.dispatchers.put(dispatcher.listenerId(), dispatcher);
		Stats stats = new Stats(dispatcher);
		this.onRegister.forEach((callback) -> callback.accept(stats));
	}

	void onRegister(Consumer<Stats> callback) {
		this.onRegister.add(callback);
		this.dispatchers.values().forEach((dispatcher) -> callback.accept(new Stats(dispatcher)));
	}

	/**
	 * One parallel listener.
	 * @param listenerId the listener id
	 * @return its statistics, if it is a parallel listener
	 */
	public Optional<Stats> get(String listenerId) {
		return Optional.ofNullable(this.dispatchers.get(listenerId)).map(Stats::new);
	}

	/**
	 * Every parallel listener.
	 * @return their statistics
	 */
	public Collection<Stats> all() {
		return this.dispatchers.values().stream().map(Stats::new).toList();
	}

	Collection<ParallelDispatcher> dispatchers() {
		return this.dispatchers.values();
	}

	/**
	 * A live view of one parallel listener.
	 */
	public static final class Stats {

		private final ParallelDispatcher dispatcher;

		Stats(ParallelDispatcher dispatcher) {
			this.dispatcher = dispatcher;
		}

		/**
		 * The listener id.
		 * @return the id
		 */
		public String listenerId() {
			return this.dispatcher.listenerId();
		}

		/**
		 * Records taken but not finished (queued, running, or waiting for an asynchronous
		 * result).
		 * @return the count
		 */
		public int inFlight() {
			return this.dispatcher.inFlight();
		}

		/**
		 * Records held in memory: taken and not yet committable, because they or an
		 * earlier record of their partition are not finished. Bounded by
		 * {@link #maxInFlight()}.
		 * @return the count
		 */
		public int held() {
			return this.dispatcher.held();
		}

		/**
		 * The most records that were held at once; never above {@link #maxInFlight()}.
		 * @return the peak
		 */
		public int peakHeld() {
			return this.dispatcher.peakHeld();
		}

		/**
		 * Records running in the application's listener right now.
		 * @return the count
		 */
		public int running() {
			return this.dispatcher.running();
		}

		/**
		 * The most records that ran at once.
		 * @return the peak
		 */
		public int peakRunning() {
			return this.dispatcher.peakRunning();
		}

		/**
		 * Records finished since start.
		 * @return the count
		 */
		public long finished() {
			return this.dispatcher.finished();
		}

		/**
		 * The configured max-in-flight: the most records held at once.
		 * @return the limit
		 */
		public int maxInFlight() {
			return this.dispatcher.maxInFlight();
		}

		/**
		 * Offset commits that failed (they are tried again at the next commit).
		 * @return the count
		 */
		public long commitFailures() {
			return this.dispatcher.commitFailures();
		}

		/**
		 * Whether the listener's partitions are paused because it is full.
		 * @return whether paused
		 */
		public boolean paused() {
			return this.dispatcher.isPaused();
		}

	}

}
