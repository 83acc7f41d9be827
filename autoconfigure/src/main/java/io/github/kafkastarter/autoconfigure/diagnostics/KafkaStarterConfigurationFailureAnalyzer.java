package io.github.kafkastarter.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link KafkaStarterConfigurationException} into a start-up report that names the
 * property, the problem and the fix, instead of a bare stack trace.
 */
class KafkaStarterConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<KafkaStarterConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, KafkaStarterConfigurationException cause) {
		StringBuilder description = new StringBuilder();
		description.append("Kafka configuration property '").append(cause.getProperty()).append("'");
		if (cause.getValue() != null) {
			description.append(" has the value '").append(cause.getValue()).append("'");
		}
		description.append(", which cannot work:").append(System.lineSeparator()).append(System.lineSeparator());
		description.append("    ").append(cause.getProblem());
		return new FailureAnalysis(description.toString(), cause.getAction(), cause);
	}

}
