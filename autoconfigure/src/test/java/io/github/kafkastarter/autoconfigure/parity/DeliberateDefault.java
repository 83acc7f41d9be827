package io.github.kafkastarter.autoconfigure.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The allow-list: every way the starter deliberately makes Spring Boot's Kafka beans
 * differ from what Boot alone makes, each listed in docs/boot-behaviour.md ("What the
 * starter changes in Spring Boot's behaviour") with the property that turns it off
 * ({@link #switchOff()}). A difference between the two contexts that none of these
 * explains is a bug, or a default missing from that page and from here.
 * <p>
 * Each entry undoes its own part of a difference; a difference is explained when what
 * remains is no difference at all.
 */
enum DeliberateDefault {

	/**
	 * Deserializers wrapped in {@code ErrorHandlingDeserializer}; for batch listeners a
	 * batch interceptor takes undeserializable records out of the batch.
	 */
	POISON_PILL_SAFETY("kafka.starter.consumer.poison-pill-safety=false") {

		@Override
		Difference undo(Difference difference, Map<String, String> boot) {
			for (String part : List.of("key", "value")) {
				String deserializer = "consumerFactory.config[" + part + ".deserializer]";
				if (difference.is(deserializer) && ERROR_HANDLING_DESERIALIZER.equals(difference.starter())) {
					return difference.withStarter(difference.boot());
				}
				if (difference.is("consumerFactory.config[spring.deserializer." + part + ".delegate.class]")
						&& difference.boot() == null && difference.starter() != null
						&& difference.starter().equals(boot.get(deserializer))) {
					return difference.withStarter(null);
				}
			}
			if (difference.is("container.batchInterceptor") && "null".equals(difference.boot())
					&& instanceOf(STARTER + "poisonpill.PoisonPillBatchInterceptor").equals(difference.starter())) {
				return difference.withStarter(difference.boot());
			}
			return difference;
		}

	},

	/** The cooperative-sticky assignor on the classic protocol, unless one is set. */
	COOPERATIVE_REBALANCING("kafka.starter.consumer.cooperative-rebalancing=false") {

		@Override
		Difference undo(Difference difference, Map<String, String> boot) {
			if (difference.is("consumerFactory.config[partition.assignment.strategy]") && difference.boot() == null
					&& "[org.apache.kafka.clients.consumer.CooperativeStickyAssignor]".equals(difference.starter())) {
				return difference.withStarter(null);
			}
			return difference;
		}

	},

	/**
	 * A unique record id header stamped by producers that are not idempotent (whose
	 * retries can write a record twice).
	 */
	RECORD_IDS("kafka.starter.producer.record-ids=never") {

		@Override
		Difference undo(Difference difference, Map<String, String> boot) {
			if (difference.is("producerFactory.config[interceptor.classes]")) {
				return difference.withoutStarterElements(STARTER + "dedup.RecordIdInterceptor");
			}
			if (difference.is("producerFactory.config[kafka.starter.record-id.header]") && difference.boot() == null) {
				return difference.withStarter(null);
			}
			return difference;
		}

	},

	/**
	 * Interceptor beans applied to every client: producer and consumer interceptors
	 * through {@code interceptor.classes}, several record or batch interceptors composed
	 * (Boot applies one only when it is the only one).
	 */
	INTERCEPTOR_BEANS("kafka.starter.interceptors.enabled=false") {

		@Override
		Difference undo(Difference difference, Map<String, String> boot) {
			if (difference.is("producerFactory.config[interceptor.classes]")) {
				return difference.withoutStarterElements(STARTER + "interceptor.BeanProducerInterceptors");
			}
			if (difference.is("consumerFactory.config[interceptor.classes]")) {
				return difference.withoutStarterElements(STARTER + "interceptor.BeanConsumerInterceptors");
			}
			if (difference.is("producerFactory.config[kafka.starter.producer-interceptor-chain]",
					"consumerFactory.config[kafka.starter.consumer-interceptor-chain]") && difference.boot() == null) {
				return difference.withStarter(null);
			}
			if (difference.is("listenerContainerFactory.recordInterceptor", "container.recordInterceptor")
					&& "null".equals(difference.boot())
					&& instanceOf("org.springframework.kafka.listener.CompositeRecordInterceptor")
						.equals(difference.starter())) {
				return difference.withStarter(difference.boot());
			}
			return difference;
		}

	},

	/** The {@code kafka.consumer.e2e.latency} timer, a consumer interceptor. */
	END_TO_END_LATENCY("kafka.starter.e2e.enabled=false") {

		@Override
		Difference undo(Difference difference, Map<String, String> boot) {
			if (difference.is("consumerFactory.config[interceptor.classes]")) {
				return difference.withoutStarterElements(STARTER + "latency.EndToEndLatencyInterceptor");
			}
			if (difference.is("consumerFactory.config[kafka.starter.e2e-latency-meters]")
					&& difference.boot() == null) {
				return difference.withStarter(null);
			}
			return difference;
		}

	},

	/**
	 * Kafka's client metrics bound with a {@code client} tag, in place of Boot's untagged
	 * binding, and the producer record meters (sizes, skew), a producer interceptor.
	 */
	TAGGED_CLIENT_METRICS("kafka.starter.client-metrics.enabled=false") {

		@Override
		Difference undo(Difference difference, Map<String, String> boot) {
			if (difference.is("producerFactory.listeners", "consumerFactory.listeners")
					&& difference.starter() != null) {
				return difference.withStarter(difference.starter()
					.replace(instanceOf(STARTER + "clientmetrics.ClientMetricsCustomizer$ClientProducerMetrics"),
							instanceOf("org.springframework.kafka.core.MicrometerProducerListener"))
					.replace(instanceOf(STARTER + "clientmetrics.ClientMetricsCustomizer$ClientConsumerMetrics"),
							instanceOf("org.springframework.kafka.core.MicrometerConsumerListener")));
			}
			if (difference.is("producerFactory.config[interceptor.classes]")) {
				return difference.withoutStarterElements(STARTER + "clientmetrics.ProducerRecordMetricsInterceptor");
			}
			if (difference.is("producerFactory.config[kafka.starter.producer-record-meters]")
					&& difference.boot() == null) {
				return difference.withStarter(null);
			}
			return difference;
		}

	},

	/**
	 * Retries and dead letters: a {@code DefaultErrorHandler} from properties on every
	 * container the application gave no error handler (Spring Kafka's own default
	 * otherwise).
	 */
	ERROR_HANDLING("kafka.starter.consumer.error-handling=false") {

		@Override
		Difference undo(Difference difference, Map<String, String> boot) {
			if (difference.is("container.commonErrorHandler") && "null".equals(difference.boot())
					&& instanceOf("org.springframework.kafka.listener.DefaultErrorHandler")
						.equals(difference.starter())) {
				return difference.withStarter(difference.boot());
			}
			return difference;
		}

	},

	/**
	 * Rebalances, offset commits and idle consumers watched: a rebalance listener on every
	 * container (wrapping the container's own, if any) and a consumer post-processor that
	 * sees each commit's outcome.
	 */
	GROUP_ACTIVITY("kafka.starter.group-activity.enabled=false") {

		@Override
		Difference undo(Difference difference, Map<String, String> boot) {
			// The application's own listener is wrapped, not replaced: it is still called
			// (groupactivity.RebalanceListenerCompositionTests).
			if (difference.is("container.containerProperties.consumerRebalanceListener")
					&& instanceOf(STARTER + "groupactivity.ObservingRebalanceListener").equals(difference.starter())) {
				return difference.withStarter(difference.boot());
			}
			if (difference.is("consumerFactory.postProcessors") && "[]".equals(difference.boot())
					&& ("[" + instanceOf(STARTER + "groupactivity.CommitObserver") + "]")
						.equals(difference.starter())) {
				return difference.withStarter(difference.boot());
			}
			return difference;
		}

	},

	/**
	 * An in-process broker when no cluster is configured and spring-kafka-test is on the
	 * classpath, where Boot alone connects to localhost:9092.
	 */
	DEV_BROKER("kafka.starter.dev-broker.enabled=false") {

		@Override
		Difference undo(Difference difference, Map<String, String> boot) {
			boolean servers = difference.path().endsWith("bootstrapServers")
					|| difference.path().endsWith("config[bootstrap.servers]");
			if (servers && "[localhost:9092]".equals(difference.boot()) && difference.starter() != null) {
				return difference.withStarter(difference.boot());
			}
			return difference;
		}

	};

	private static final String STARTER = "io.github.kafkastarter.autoconfigure.";

	private static final String ERROR_HANDLING_DESERIALIZER = "org.springframework.kafka.support.serializer."
			+ "ErrorHandlingDeserializer";

	private final String switchOff;

	DeliberateDefault(String switchOff) {
		this.switchOff = switchOff;
	}

	/**
	 * The property, as {@code key=value}, that turns this default off.
	 * @return the property
	 */
	String switchOff() {
		return this.switchOff;
	}

	/**
	 * The property key of {@link #switchOff()}.
	 * @return the key
	 */
	String switchKey() {
		return this.switchOff.substring(0, this.switchOff.indexOf('='));
	}

	/**
	 * Takes this default's part out of a difference.
	 * @param difference the difference
	 * @param boot everything Boot alone made, for differences that derive from it
	 * @return the difference without this default's part, the same one if it has none
	 */
	abstract Difference undo(Difference difference, Map<String, String> boot);

	private static String instanceOf(String className) {
		return "instance of " + className;
	}

	/**
	 * The deliberate defaults that explain a difference, or {@code null} if they do not
	 * explain all of it.
	 */
	static @Nullable List<DeliberateDefault> explaining(Difference difference, Map<String, String> boot) {
		List<DeliberateDefault> explaining = new ArrayList<>();
		Difference remaining = difference;
		for (DeliberateDefault deliberate : values()) {
			Difference undone = deliberate.undo(remaining, boot);
			if (!undone.equals(remaining)) {
				explaining.add(deliberate);
				remaining = undone;
			}
		}
		return remaining.isSettled() ? explaining : null;
	}

}
