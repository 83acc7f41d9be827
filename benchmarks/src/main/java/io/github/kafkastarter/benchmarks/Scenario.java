package io.github.kafkastarter.benchmarks;

import java.util.List;

/**
 * One benchmark scenario; returns its {@code RESULT} lines.
 */
interface Scenario {

	String name();

	List<String> run(BenchmarkContext context) throws Exception;

}
