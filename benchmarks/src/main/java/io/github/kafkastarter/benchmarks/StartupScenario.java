package io.github.kafkastarter.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.kafkastarter.autoconfigure.client.KafkaClients;
import io.github.kafkastarter.startup.StartupApplication;

/**
 * {@code startup}: the same small application ({@link StartupApplication}: a listener and a
 * template) started in a fresh JVM with Spring Boot alone (the starter's jar left off the
 * classpath) and with the starter, alternating, against the benchmark's broker (so no dev
 * broker is started or timed). Prints the time {@code SpringApplication.run} took and the
 * heap in use after start (after a full collection) of each, and what the starter adds,
 * as the median of the per-round differences with its 95 % confidence interval:
 * {@code RESULT startup boot=<ms> starter=<ms> added=<ms> ... heapAdded=<MB> ...}; then the
 * time until the listener has its partitions, which counts the Kafka work that Boot's
 * consumer does after {@code run} returns and the starter's start-up check before.
 */
final class StartupScenario implements Scenario {

	@Override
	public String name() {
		return "startup";
	}

	@Override
	public List<String> run(BenchmarkContext context) throws Exception {
		List<String> withStarter = classpath();
		String starterJar = location(KafkaClients.class);
		List<String> bootAlone = withStarter.stream().filter((entry) -> !samePath(entry, starterJar)).toList();
		if (bootAlone.size() != withStarter.size() - 1) {
			throw new IllegalStateException("The starter's classes (" + starterJar + ") are not one entry of "
					+ withStarter);
		}
		// Warm-up: the file system cache, for both.
		start(bootAlone, context);
		start(withStarter, context);
		List<Double> bootMillis = new ArrayList<>();
		List<Double> starterMillis = new ArrayList<>();
		List<Double> bootHeap = new ArrayList<>();
		List<Double> starterHeap = new ArrayList<>();
		List<Double> bootMetaspace = new ArrayList<>();
		List<Double> starterMetaspace = new ArrayList<>();
		List<Double> bootCpu = new ArrayList<>();
		List<Double> starterCpu = new ArrayList<>();
		List<Double> bootReady = new ArrayList<>();
		List<Double> starterReady = new ArrayList<>();
		for (int round = 1; round <= context.options().rounds(); round++) {
			Started boot;
			Started starter;
			if (round % 2 == 1) {
				boot = start(bootAlone, context);
				starter = start(withStarter, context);
			}
			else {
				starter = start(withStarter, context);
				boot = start(bootAlone, context);
			}
			bootMillis.add((double) boot.millis());
			starterMillis.add((double) starter.millis());
			bootHeap.add(boot.heap() / 1e6);
			starterHeap.add(starter.heap() / 1e6);
			bootMetaspace.add(boot.metaspace() / 1e6);
			starterMetaspace.add(starter.metaspace() / 1e6);
			bootCpu.add((double) boot.cpuMillis());
			starterCpu.add((double) starter.cpuMillis());
			bootReady.add((double) boot.readyMillis());
			starterReady.add((double) starter.readyMillis());
			System.out.printf(Locale.ROOT,
					"  round %d: boot %d ms (CPU %d ms, ready %d ms), heap %.1f MB, metaspace %.1f MB, %d beans; "
							+ "starter %d ms (CPU %d ms, ready %d ms), heap %.1f MB, metaspace %.1f MB, %d beans%n",
					round, boot.millis(), boot.cpuMillis(), boot.readyMillis(), boot.heap() / 1e6,
					boot.metaspace() / 1e6, boot.beans(), starter.millis(), starter.cpuMillis(), starter.readyMillis(),
					starter.heap() / 1e6, starter.metaspace() / 1e6, starter.beans());
		}
		Benchmarks.Estimate millis = Benchmarks.Estimate.of(differences(starterMillis, bootMillis));
		Benchmarks.Estimate heap = Benchmarks.Estimate.of(differences(starterHeap, bootHeap));
		Benchmarks.Estimate metaspace = Benchmarks.Estimate.of(differences(starterMetaspace, bootMetaspace));
		Benchmarks.Estimate cpu = Benchmarks.Estimate.of(differences(starterCpu, bootCpu));
		Benchmarks.Estimate ready = Benchmarks.Estimate.of(differences(starterReady, bootReady));
		return List.of(String.format(Locale.ROOT,
				"RESULT startup boot=%.0fms starter=%.0fms added=%+.0fms ci95=[%+.0f,%+.0f] heapBoot=%.1fMB "
						+ "heapStarter=%.1fMB heapAdded=%+.1fMB ci95=[%+.1f,%+.1f] rounds=%d%s",
				Benchmarks.median(bootMillis), Benchmarks.median(starterMillis), millis.median(), millis.low(),
				millis.high(), Benchmarks.median(bootHeap), Benchmarks.median(starterHeap), heap.median(),
				heap.low(), heap.high(), millis.rounds(), (millis.coverage() < 0.95) ? " (use 6+ rounds for 95 %)" : ""),
				String.format(Locale.ROOT,
						"INFO startup: until the listener has its partitions boot=%.0fms starter=%.0fms "
								+ "added=%+.0fms ci95=[%+.0f,%+.0f]",
						Benchmarks.median(bootReady), Benchmarks.median(starterReady), ready.median(), ready.low(),
						ready.high()),
				String.format(Locale.ROOT,
						"INFO startup: CPU time at start boot=%.0fms starter=%.0fms added=%+.0fms ci95=[%+.0f,%+.0f]; "
								+ "metaspace boot=%.1fMB starter=%.1fMB added=%+.1fMB ci95=[%+.1f,%+.1f]",
						Benchmarks.median(bootCpu), Benchmarks.median(starterCpu), cpu.median(), cpu.low(), cpu.high(),
						Benchmarks.median(bootMetaspace), Benchmarks.median(starterMetaspace), metaspace.median(),
						metaspace.low(), metaspace.high()));
	}

	private static List<Double> differences(List<Double> values, List<Double> baseline) {
		List<Double> differences = new ArrayList<>();
		for (int i = 0; i < values.size(); i++) {
			differences.add(values.get(i) - baseline.get(i));
		}
		return differences;
	}

	private static Started start(List<String> classpath, BenchmarkContext context)
			throws IOException, InterruptedException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, classpath),
				StartupApplication.class.getName(), context.bootstrapServers())
			.redirectErrorStream(true);
		Process process = builder.start();
		List<String> output = new ArrayList<>();
		Started started = null;
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				output.add(line);
				if (line.startsWith("STARTUP ")) {
					started = Started.parse(line);
				}
			}
		}
		if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0 || started == null) {
			process.destroyForcibly();
			throw new IllegalStateException("The application did not start: " + String.join("\n", output));
		}
		return started;
	}

	// The classpath the benchmarks run with: Maven's exec:java runs them in a class loader
	// of its own, a plain java command on the application class path.
	private static List<String> classpath() throws URISyntaxException {
		if (StartupScenario.class.getClassLoader() instanceof URLClassLoader loader) {
			List<String> entries = new ArrayList<>();
			for (URL url : loader.getURLs()) {
				entries.add(Path.of(url.toURI()).toString());
			}
			return entries;
		}
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.collect(Collectors.toList());
	}

	private static String location(Class<?> type) throws URISyntaxException {
		return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
	}

	private static boolean samePath(String entry, String location) {
		return Path.of(entry).toAbsolutePath().normalize().equals(Path.of(location).toAbsolutePath().normalize());
	}

	private record Started(long millis, long cpuMillis, long heap, long metaspace, int beans, long readyMillis) {

		static Started parse(String line) {
			long millis = 0;
			long cpuMillis = 0;
			long heap = 0;
			long metaspace = 0;
			int beans = 0;
			long ready = -1;
			for (String field : line.substring("STARTUP ".length()).trim().split(" ")) {
				String[] keyValue = field.split("=", 2);
				switch (keyValue[0]) {
					case "ms" -> millis = Long.parseLong(keyValue[1]);
					case "cpu" -> cpuMillis = Long.parseLong(keyValue[1]);
					case "heap" -> heap = Long.parseLong(keyValue[1]);
					case "metaspace" -> metaspace = Long.parseLong(keyValue[1]);
					case "beans" -> beans = Integer.parseInt(keyValue[1]);
					case "ready" -> ready = Long.parseLong(keyValue[1]);
					default -> {
					}
				}
			}
			if (ready < 0) {
				throw new IllegalStateException("The listener got no partitions within a minute: " + line);
			}
			return new Started(millis, cpuMillis, heap, metaspace, beans, ready);
		}

	}

}
