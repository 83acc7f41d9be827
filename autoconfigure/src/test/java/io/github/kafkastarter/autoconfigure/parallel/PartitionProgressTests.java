package io.github.kafkastarter.autoconfigure.parallel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watermark of one partition, finished from many threads at once without a lock.
 */
class PartitionProgressTests {

	private final PartitionProgress progress = new PartitionProgress(new TopicPartition("t", 0), null);

	@Test
	void theWatermarkStopsAtTheOldestUnfinishedRecordAndSkipsOffsetGaps() {
		List<PartitionProgress.Entry> entries = new ArrayList<>();
		for (long offset : new long[] { 10, 11, 13, 14, 20 }) {
			PartitionProgress.Entry entry = new PartitionProgress.Entry(offset);
			this.progress.take(entry);
			entries.add(entry);
		}
		assertThat(this.progress.watermark()).isEqualTo(10);
		assertThat(this.progress.finished(entries.get(1))).isZero();
		assertThat(this.progress.finishedHeld()).isOne();
		assertThat(this.progress.finished(entries.get(0))).isEqualTo(2);
		assertThat(this.progress.watermark()).isEqualTo(13);
		assertThat(this.progress.finished(entries.get(4))).isZero();
		this.progress.finished(entries.get(3));
		assertThat(this.progress.watermark()).isEqualTo(13);
		assertThat(this.progress.finished(entries.get(2))).isEqualTo(3);
		assertThat(this.progress.watermark()).isEqualTo(21);
		assertThat(this.progress.held()).isZero();
		assertThat(this.progress.finishedHeld()).isZero();
		assertThat(this.progress.commitDue()).isEqualTo(21);
		assertThat(this.progress.commitDue()).isEqualTo(-1);
	}

	@Test
	void aFailedCommitIsOfferedAgainUntilOneSucceeds() {
		PartitionProgress.Entry first = new PartitionProgress.Entry(0);
		PartitionProgress.Entry second = new PartitionProgress.Entry(1);
		this.progress.take(first);
		this.progress.take(second);
		this.progress.finished(first);
		assertThat(this.progress.commitDue()).isEqualTo(1);
		// The commit failed (a rebalance, a coordinator moving): the same offset is due again.
		this.progress.commitFailed(1);
		assertThat(this.progress.commitDue()).isEqualTo(1);
		this.progress.finished(second);
		assertThat(this.progress.commitDue()).isEqualTo(2);
		// A late failure of an older commit does not take a newer one back.
		this.progress.commitFailed(1);
		assertThat(this.progress.commitDue()).isEqualTo(-1);
	}

	@Test
	void recordsFinishedInAnyOrderByManyThreadsWhileTheRingGrowsAreAllReleased() throws Exception {
		int records = 200_000;
		LinkedBlockingQueue<PartitionProgress.Entry> taken = new LinkedBlockingQueue<>();
		ExecutorService workers = Executors.newFixedThreadPool(8);
		AtomicInteger released = new AtomicInteger();
		List<Future<?>> done = new ArrayList<>();
		for (int worker = 0; worker < 8; worker++) {
			Random random = new Random(worker);
			done.add(workers.submit(() -> {
				List<PartitionProgress.Entry> batch = new ArrayList<>();
				while (true) {
					PartitionProgress.Entry entry = taken.poll(1, TimeUnit.SECONDS);
					if (entry == null) {
						break;
					}
					batch.add(entry);
					// Finish out of order, a few at a time.
					if (batch.size() == 1 + random.nextInt(16)) {
						Collections.shuffle(batch, random);
						batch.forEach((held) -> released.addAndGet(this.progress.finished(held)));
						batch.clear();
					}
				}
				batch.forEach((held) -> released.addAndGet(this.progress.finished(held)));
				return null;
			}));
		}
		long offset = 0;
		for (int i = 0; i < records; i++) {
			// Offsets with gaps, as after compaction or transaction markers.
			offset += 1 + (i % 3 == 0 ? 1 : 0);
			PartitionProgress.Entry entry = new PartitionProgress.Entry(offset);
			this.progress.take(entry);
			taken.add(entry);
			long watermark = this.progress.watermark();
			assertThat(watermark).isLessThanOrEqualTo(offset + 1);
		}
		for (Future<?> future : done) {
			future.get(60, TimeUnit.SECONDS);
		}
		workers.shutdown();
		assertThat(released).hasValue(records);
		assertThat(this.progress.held()).isZero();
		assertThat(this.progress.finishedHeld()).isZero();
		assertThat(this.progress.watermark()).isEqualTo(offset + 1);
	}

	@Test
	void anAbandonedRecordHoldsTheWatermarkAndARevocationReleasesEverything() throws Exception {
		PartitionProgress.Entry first = new PartitionProgress.Entry(0);
		PartitionProgress.Entry second = new PartitionProgress.Entry(1);
		this.progress.take(first);
		this.progress.take(second);
		this.progress.finished(second);
		this.progress.abandoned(first);
		assertThat(this.progress.isClosed()).isTrue();
		assertThat(this.progress.watermark()).isZero();
		assertThat(this.progress.awaitDrained(System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).isFalse();
		assertThat(this.progress.revoke()).isEqualTo(2);
		assertThat(this.progress.held()).isZero();
		assertThat(this.progress.commitDue()).isEqualTo(-1);
	}

}
