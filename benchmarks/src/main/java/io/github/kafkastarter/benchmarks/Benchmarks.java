package io.github.kafkastarter.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.kafkastarter.autoconfigure.devbroker.KraftCluster;

/**
 * Runs benchmark scenarios against one in-process Kafka broker, the raw Kafka client and
 * the starter in the same run, and prints one line per scenario:
 * {@code RESULT <scenario> raw=<records/s> starter=<records/s> ratio=<starter/raw>}.
 * <p>
 * Arguments: scenario names (default: all), {@code --rounds=N} (default 5, the median is
 * reported), {@code --records=N} (records per round where the scenario takes a volume).
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Scenario> scenarios = new LinkedHashMap<>();
		for (Scenario scenario : List.of(new ProduceScenario(), new ConsumeScenario(false),
				new ConsumeScenario(true), new ParallelScenario(), new LagRefreshScenario(),
				new PoisonPillsScenario())) {
			scenarios.put(scenario.name(), scenario);
		}
		Options options = Options.parse(args, scenarios.keySet());
		// Topics created without a partition count get four.
		KraftCluster broker = KraftCluster.start(1, Map.of("num.partitions", "4", "log.retention.bytes", "-1"));
		List<String> results = new ArrayList<>();
		try {
			System.out.printf("Broker %s, %d round(s) per scenario, %d available processor(s), Java %s%n",
					broker.getBootstrapServers(), options.rounds(), Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.version"));
			for (String name : options.scenarios()) {
				Scenario scenario = scenarios.get(name);
				System.out.printf("== %s%n", name);
				results.addAll(scenario.run(new BenchmarkContext(broker.getBootstrapServers(), options)));
			}
		}
		finally {
			broker.close();
		}
		System.out.println();
		results.forEach(System.out::println);
		System.exit(0);
	}

	/**
	 * The command line.
	 *
	 * @param scenarios the scenarios to run
	 * @param rounds rounds per scenario
	 * @param records records per round, or -1 for the scenario's default
	 */
	record Options(List<String> scenarios, int rounds, long records) {

		static Options parse(String[] args, java.util.Set<String> known) {
			List<String> scenarios = new ArrayList<>();
			int rounds = 5;
			long records = -1;
			for (String arg : args) {
				if (arg.startsWith("--rounds=")) {
					rounds = Integer.parseInt(arg.substring("--rounds=".length()));
				}
				else if (arg.startsWith("--records=")) {
					records = Long.parseLong(arg.substring("--records=".length()));
				}
				else if (known.contains(arg)) {
					scenarios.add(arg);
				}
				else {
					throw new IllegalArgumentException("Unknown argument '" + arg + "'; scenarios are " + known
							+ ", options --rounds=N --records=N");
				}
			}
			return new Options(scenarios.isEmpty() ? new ArrayList<>(known) : scenarios, rounds, records);
		}

		long recordsOr(long fallback) {
			return (this.records > 0) ? this.records : fallback;
		}

	}

	static String format(double value) {
		return String.format(java.util.Locale.ROOT, "%.0f", value);
	}

	static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	static String result(String scenario, List<Double> raw, List<Double> starter) {
		double rawMedian = median(raw);
		double starterMedian = median(starter);
		return String.format(java.util.Locale.ROOT, "RESULT %s raw=%s starter=%s ratio=%.3f", scenario,
				format(rawMedian), format(starterMedian), starterMedian / rawMedian);
	}

	static String describe(List<Double> values) {
		return Arrays.toString(values.stream().map(Benchmarks::format).toArray());
	}

}
