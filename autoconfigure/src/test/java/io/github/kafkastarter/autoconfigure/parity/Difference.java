package io.github.kafkastarter.autoconfigure.parity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a {@link KafkaBeanSnapshot} that differs between Spring Boot alone and
 * Boot with the starter; {@code null} where a side has no such entry.
 * @param path the entry, for example {@code producerFactory.config[acks]}
 * @param boot the value with Spring Boot alone
 * @param starter the value with the starter
 */
record Difference(String path, @Nullable String boot, @Nullable String starter) {

	static List<Difference> between(Map<String, String> boot, Map<String, String> starter) {
		Set<String> paths = new TreeSet<>(boot.keySet());
		paths.addAll(starter.keySet());
		List<Difference> differences = new ArrayList<>();
		for (String path : paths) {
			String withBoot = boot.get(path);
			String withStarter = starter.get(path);
			if (withBoot == null || !withBoot.equals(withStarter)) {
				differences.add(new Difference(path, withBoot, withStarter));
			}
		}
		return differences;
	}

	boolean isSettled() {
		return (this.boot == null) ? this.starter == null : this.boot.equals(this.starter);
	}

	boolean is(String... paths) {
		return Arrays.asList(paths).contains(this.path);
	}

	/**
	 * The same difference with the starter's value changed, for a deliberate default
	 * that explains part of it.
	 */
	Difference withStarter(@Nullable String starter) {
		return new Difference(this.path, this.boot, starter);
	}

	/**
	 * The starter's value as a rendered list without the given elements.
	 */
	Difference withoutStarterElements(String... elements) {
		if (this.starter == null || !this.starter.startsWith("[")) {
			return this;
		}
		List<String> remaining = new ArrayList<>(parseList(this.starter));
		if (!remaining.removeAll(Arrays.asList(elements))) {
			return this;
		}
		// A list the starter created where Boot had none is gone once its elements are.
		return withStarter((remaining.isEmpty() && this.boot == null) ? null : remaining.toString());
	}

	static List<String> parseList(String rendered) {
		String inside = rendered.substring(1, rendered.length() - 1);
		return inside.isEmpty() ? List.of() : Arrays.asList(inside.split(", "));
	}

	@Override
	public String toString() {
		return this.path + ": " + show(this.boot) + " with Boot alone, " + show(this.starter) + " with the starter";
	}

	private static String show(@Nullable String value) {
		return (value != null) ? "'" + value + "'" : "absent";
	}

}
