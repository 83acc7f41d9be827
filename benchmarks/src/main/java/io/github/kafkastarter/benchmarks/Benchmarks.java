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
				new PoisonPillsScenario(), new StartupScenario())) {
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

	/**
	 * The line of a race: the median rate of each side, and the median of the per-round
	 * ratios with its 95 % confidence interval. The ratio of each round compares two sides
	 * that ran interleaved, so it cancels what a busy machine did to that round; the median
	 * of those ratios is the figure, not the ratio of the medians.
	 * @param scenario the scenario
	 * @param raw the raw client's rate per round
	 * @param starter the starter's rate per round, measured in the same rounds
	 * @return the {@code RESULT} line
	 */
	static String result(String scenario, List<Double> raw, List<Double> starter) {
		return String.format(java.util.Locale.ROOT, "RESULT %s raw=%s starter=%s ratio=%s", scenario,
				format(median(raw)), format(median(starter)), Estimate.of(ratios(starter, raw)));
	}

	/**
	 * Per-round ratios.
	 * @param numerators one value per round
	 * @param denominators one value per round, the same rounds
	 * @return {@code numerators[i] / denominators[i]}
	 */
	static List<Double> ratios(List<Double> numerators, List<Double> denominators) {
		if (numerators.size() != denominators.size()) {
			throw new IllegalArgumentException("Ratios need the same rounds on both sides");
		}
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < numerators.size(); i++) {
			ratios.add(numerators.get(i) / denominators.get(i));
		}
		return ratios;
	}

	static String describe(List<Double> values) {
		return Arrays.toString(values.stream().map(Benchmarks::format).toArray());
	}

	/**
	 * A median and its distribution-free confidence interval: the order statistics
	 * {@code [x(k), x(n+1-k)]} with the largest {@code k} for which
	 * {@code 2 P(Binomial(n, 1/2) < k) <= 5 %}, which hold the true median with at least
	 * 95 % probability whatever the distribution of the rounds (a round slowed by someone
	 * else's build moves it by one rank, not by its size). Six rounds give the first such
	 * interval ({@code [min, max]}, 96.9 %); with fewer the interval is {@code [min, max]}
	 * and its lower coverage is printed.
	 *
	 * @param median the median
	 * @param low the lower bound
	 * @param high the upper bound
	 * @param rounds the number of values
	 * @param coverage the probability that the interval holds the true median
	 */
	record Estimate(double median, double low, double high, int rounds, double coverage) {

		static Estimate of(List<Double> values) {
			double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
			int n = sorted.length;
			if (n == 0) {
				return new Estimate(Double.NaN, Double.NaN, Double.NaN, 0, 0);
			}
			double tail = 0;
			int k = 0;
			for (int j = 0; j < n; j++) {
				double next = tail + binomialHalf(n, j);
				if (next > 0.025) {
					break;
				}
				tail = next;
				k = j + 1;
			}
			if (k == 0) {
				// Too few values for 95 %: the widest interval there is.
				return new Estimate(Benchmarks.median(values), sorted[0], sorted[n - 1], n, 1 - 2 * binomialHalf(n, 0));
			}
			return new Estimate(Benchmarks.median(values), sorted[k - 1], sorted[n - k], n, 1 - 2 * tail);
		}

		// P(Binomial(n, 1/2) = j)
		private static double binomialHalf(int n, int j) {
			double logChoose = 0;
			for (int i = 1; i <= j; i++) {
				logChoose += Math.log(n - j + i) - Math.log(i);
			}
			return Math.exp(logChoose - n * Math.log(2));
		}

		/**
		 * How far the interval reaches from the median, at most, relative to it.
		 * @return the half-width as a fraction of the median
		 */
		double relativeHalfWidth() {
			return Math.max(this.median - this.low, this.high - this.median) / this.median;
		}

		@Override
		public String toString() {
			String interval = String.format(java.util.Locale.ROOT, "%.3f ci95=[%.3f,%.3f] rounds=%d", this.median,
					this.low, this.high, this.rounds);
			return (this.coverage >= 0.95) ? interval
					: interval + String.format(java.util.Locale.ROOT, " (only %.1f %%: use 6+ rounds)",
							this.coverage * 100);
		}

	}

}
