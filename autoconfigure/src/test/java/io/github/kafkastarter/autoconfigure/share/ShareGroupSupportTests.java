package io.github.kafkastarter.autoconfigure.share;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.github.kafkastarter.autoconfigure.client.KafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeFeaturesOptions;
import org.apache.kafka.clients.admin.DescribeFeaturesResult;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.KafkaAdmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * How the starter judges a cluster's share groups from its features, and how often it
 * asks: the pure logic, with a stand-in admin. (On real brokers: the Kafka 3.9 and 4.2
 * tests in {@code compat} and {@code share}.)
 */
@ExtendWith(OutputCaptureExtension.class)
class ShareGroupSupportTests {

	// The timeout of each question the cluster was asked.
	private final List<Integer> asked = new ArrayList<>();

	private final AtomicReference<KafkaFuture<FeatureMetadata>> answer = new AtomicReference<>();

	private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

	private final ShareGroupSupport support = new ShareGroupSupport(this::admin, new Clock() {

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return ShareGroupSupportTests.this.now.get();
		}

	});

	@Test
	void aClusterWithShareVersionOneHasShareGroups() {
		ShareGroupSupport.Verdict verdict = ShareGroupSupport.judge(Map.of("share.version", finalized(1)),
				Map.of("share.version", supported(1)));
		assertThat(verdict.availability()).isEqualTo(ShareGroupSupport.Availability.AVAILABLE);
		assertThat(verdict.available()).isTrue();
		assertThat(verdict.describe()).isEqualTo("available (share.version=1)");
	}

	@Test
	void brokersThatKnowTheFeatureButHaveItAtZeroHaveShareGroupsSwitchedOff() {
		// Kafka 4.1 out of the box.
		ShareGroupSupport.Verdict verdict = ShareGroupSupport.judge(Map.of(), Map.of("share.version", supported(1)));
		assertThat(verdict.availability()).isEqualTo(ShareGroupSupport.Availability.NOT_ENABLED);
		assertThat(verdict.available()).isFalse();
		assertThat(verdict.detail()).contains("not enabled", "share.version is 0");
	}

	@Test
	void brokersThatDoNotKnowTheFeaturePredateShareGroups() {
		// Kafka 3.9: metadata.version and kraft.version only.
		ShareGroupSupport.Verdict verdict = ShareGroupSupport.judge(Map.of("metadata.version", finalized(21)),
				Map.of("metadata.version", supported(21), "kraft.version", supported(1)));
		assertThat(verdict.availability()).isEqualTo(ShareGroupSupport.Availability.NOT_SUPPORTED);
		assertThat(verdict.detail()).contains("older than Kafka 4.1", "ShareGroupHeartbeat");
	}

	@Test
	void theClusterIsAskedOncePerClientAndAMissingFeatureIsWarnedAboutOnce(CapturedOutput output) {
		this.answer.set(KafkaFuture.completedFuture(features(Map.of(), Map.of())));
		KafkaClient client = client("default");
		for (int i = 0; i < 3; i++) {
			assertThat(this.support.check(client).availability())
				.isEqualTo(ShareGroupSupport.Availability.NOT_SUPPORTED);
		}
		// Through the client's admin, bounded by the call's own timeout.
		assertThat(this.asked).containsExactly(5_000);
		assertThat(this.support.verdict("default")).hasValueSatisfying(
				(verdict) -> assertThat(verdict.describe()).startsWith("unavailable: its brokers are older"));
		assertThat(this.support.verdict("other")).isEmpty();
		assertThat(output.getOut().lines().filter((line) -> line.contains("the cluster has no share groups")))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN", "Kafka client 'default'", "Fix: upgrade the brokers"));
	}

	@Test
	void aClusterThatDoesNotAnswerLetsContainersStartAndIsAskedAgainAMinuteLater(CapturedOutput output) {
		KafkaFutureImpl<FeatureMetadata> timedOut = new KafkaFutureImpl<>();
		timedOut.completeExceptionally(new TimeoutException("Timed out waiting for a node assignment"));
		this.answer.set(timedOut);
		KafkaClient client = client("default");
		assertThat(this.support.check(client).available()).isTrue();
		assertThat(this.support.check(client).availability()).isEqualTo(ShareGroupSupport.Availability.UNKNOWN);
		assertThat(this.asked).hasSize(1);
		assertThat(this.support.verdict("default")).isEmpty();

		this.now.updateAndGet((instant) -> instant.plus(Duration.ofSeconds(61)));
		this.answer.set(KafkaFuture.completedFuture(
				features(Map.of("share.version", finalized(1)), Map.of("share.version", supported(1)))));
		assertThat(this.support.check(client).availability()).isEqualTo(ShareGroupSupport.Availability.AVAILABLE);
		assertThat(this.asked).hasSize(2);
		assertThat(output.getOut()).doesNotContain("no share groups");
	}

	private Admin admin(KafkaClient client) {
		Admin admin = mock(Admin.class);
		DescribeFeaturesResult result = mock(DescribeFeaturesResult.class);
		given(result.featureMetadata()).willReturn(this.answer.get());
		given(admin.describeFeatures(any(DescribeFeaturesOptions.class))).willAnswer((invocation) -> {
			this.asked.add(invocation.<DescribeFeaturesOptions>getArgument(0).timeoutMs());
			return result;
		});
		return admin;
	}

	private static KafkaClient client(String name) {
		KafkaClient client = mock(KafkaClient.class);
		KafkaAdmin admin = new KafkaAdmin(Map.of("bootstrap.servers", "localhost:9092"));
		given(client.name()).willReturn(name);
		given(client.admin()).willReturn(admin);
		return client;
	}

	private static FeatureMetadata features(Map<String, FinalizedVersionRange> finalized,
			Map<String, SupportedVersionRange> supported) {
		FeatureMetadata metadata = mock(FeatureMetadata.class);
		given(metadata.finalizedFeatures()).willReturn(finalized);
		given(metadata.supportedFeatures()).willReturn(supported);
		return metadata;
	}

	private static FinalizedVersionRange finalized(int level) {
		return new FinalizedVersionRange((short) level, (short) level);
	}

	private static SupportedVersionRange supported(int max) {
		return new SupportedVersionRange((short) 0, (short) max);
	}

}
