package io.github.kafkastarter.autoconfigure.support;

import org.springframework.util.ClassUtils;

/**
 * The starter's auto-configurations, for tests outside their package: they are
 * package-private (applications never name them; Spring Boot loads them from the imports
 * file), so tests of other packages take them from here. Annotations take their names
 * instead, through {@link ImportAutoConfigs}.
 */
public final class AutoConfigs {

	public static final String PACKAGE = "io.github.kafkastarter.autoconfigure.";

	public static final Class<?> ENDPOINT = load("actuate.KafkaEndpointAutoConfiguration");

	public static final Class<?> CLIENTS = load("client.KafkaClientsAutoConfiguration");

	public static final Class<?> CLIENT_METRICS = load("clientmetrics.ClientMetricsAutoConfiguration");

	public static final Class<?> DEDUPLICATION = load("dedup.DeduplicationAutoConfiguration");

	public static final Class<?> DEV_BROKER = load("devbroker.DevBrokerAutoConfiguration");

	public static final Class<?> DIAGNOSTICS = load("diagnostics.DiagnosticsAutoConfiguration");

	public static final Class<?> ERROR_HANDLING = load("errorhandling.ListenerErrorHandlingAutoConfiguration");

	public static final Class<?> HEALTH = load("health.KafkaHealthAutoConfiguration");

	public static final Class<?> INTERCEPTORS = load("interceptor.InterceptorAutoConfiguration");

	public static final Class<?> LAG = load("lag.ConsumerLagAutoConfiguration");

	public static final Class<?> LAG_METRICS = load("lag.ConsumerLagMetricsAutoConfiguration");

	public static final Class<?> LATENCY = load("latency.EndToEndLatencyAutoConfiguration");

	public static final Class<?> MEMBERSHIP = load("membership.GroupMembershipAutoConfiguration");

	public static final Class<?> PARALLEL = load("parallel.ParallelListenerAutoConfiguration");

	public static final Class<?> PRIORITY = load("priority.PriorityTopicsAutoConfiguration");

	public static final Class<?> PRODUCER = load("producer.ProducerReliabilityAutoConfiguration");

	public static final Class<?> POISON_PILLS = load("poisonpill.PoisonPillAutoConfiguration");

	public static final Class<?> SHARE = load("share.ShareGroupAutoConfiguration");

	private AutoConfigs() {
	}

	/**
	 * Loads one of the starter's auto-configurations.
	 * @param name its name below {@value #PACKAGE}, for example
	 * {@code client.KafkaClientsAutoConfiguration}
	 * @return the class
	 */
	public static Class<?> load(String name) {
		return ClassUtils.resolveClassName(PACKAGE + name, AutoConfigs.class.getClassLoader());
	}

}
