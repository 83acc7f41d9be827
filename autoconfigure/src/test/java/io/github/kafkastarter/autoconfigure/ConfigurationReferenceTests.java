package io.github.kafkastarter.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} is rendered from the configuration metadata the build
 * generates, so the reference cannot drift from the code: this test renders it again and
 * fails when the committed file differs. Run it with
 * {@code -Dconfiguration-reference.write=true} to rewrite the file.
 * <p>
 * The metadata stops at map and list values (per-listener settings, dev-broker topics):
 * their keys are rendered from the value class itself, with the defaults of a new instance
 * and the descriptions of its fields' Javadoc in {@code src/main/java}.
 */
class ConfigurationReferenceTests {

	private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

	private static final String WRITE = "configuration-reference.write";

	private static final String REGENERATE = "./mvnw -B -pl autoconfigure -am -Dtest=ConfigurationReferenceTests "
			+ "-Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE + "=true test";

	/** The feature page each group of keys belongs to, relative to docs/. */
	private static final Map<String, String> PAGES = Map.ofEntries(Map.entry("kafka.starter.clients", "named-clients.md"),
			Map.entry("kafka.starter.client-metrics", "metrics.md#client-metrics-and-observation"),
			Map.entry("kafka.starter.console", "console.md"), Map.entry("kafka.starter.consumer", "reliability.md"),
			Map.entry("kafka.starter.deduplication", "reliability.md#deduplication"),
			Map.entry("kafka.starter.dev-broker", "dev-broker.md"),
			Map.entry("kafka.starter.e2e", "metrics.md#end-to-end-latency"),
			Map.entry("kafka.starter.endpoint", "actuator-endpoint.md"),
			Map.entry("kafka.starter.group-activity", "rebalances.md"), Map.entry("kafka.starter.health", "health.md"),
			Map.entry("kafka.starter.interceptors", "interceptors.md"), Map.entry("kafka.starter.lag", "consumer-lag.md"),
			Map.entry("kafka.starter.missing-topics", "startup-errors.md#topics-that-must-exist"),
			Map.entry("kafka.starter.parallel", "parallel-listeners.md"),
			Map.entry("kafka.starter.priority", "priority-topics.md"),
			Map.entry("kafka.starter.producer", "reliability.md#producer-profiles"),
			Map.entry("kafka.starter.share", "share-groups.md"),
			Map.entry("management", "health.md) and [the actuator endpoint](actuator-endpoint.md"));

	private static final Pattern FIELD = Pattern.compile(
			"/\\*\\*(.*?)\\*/\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*private\\s+(?:final\\s+)?[^;=]*?\\b(\\w+)\\s*[=;]",
			Pattern.DOTALL);

	@Test
	void theConfigurationReferenceIsTheOneTheMetadataRenders() throws IOException {
		String rendered = render();
		if (Boolean.getBoolean(WRITE)) {
			Files.writeString(REFERENCE, rendered, StandardCharsets.UTF_8);
		}
		String committed = Files.exists(REFERENCE)
				? Files.readString(REFERENCE, StandardCharsets.UTF_8).replace("\r\n", "\n") : "";
		assertThat(committed.equals(rendered))
			.as("docs/configuration.md is out of date with the configuration metadata (%s); regenerate it with:%n"
					+ "    %s%nand commit the result", firstDifference(committed, rendered), REGENERATE)
			.isTrue();
	}

	private static String firstDifference(String committed, String rendered) {
		List<String> was = committed.lines().toList();
		List<String> is = rendered.lines().toList();
		for (int i = 0; i < Math.max(was.size(), is.size()); i++) {
			String before = (i < was.size()) ? was.get(i) : "<end of file>";
			String after = (i < is.size()) ? is.get(i) : "<end of file>";
			if (!before.equals(after)) {
				return String.format("line %d is%n    %s%nbut the metadata gives%n    %s", i + 1, before, after);
			}
		}
		return "line endings differ";
	}

	@Test
	void everyGroupLinksToAFeaturePageThatExists() throws IOException {
		for (Map.Entry<String, Row> row : rows().entrySet()) {
			assertThat(PAGES).as("feature page of %s (add it to PAGES)", row.getKey()).containsKey(group(row.getKey()));
		}
		for (String page : PAGES.values()) {
			for (String file : page.split("\\) and \\[[^]]*]\\(")) {
				assertThat(REFERENCE.resolveSibling(file.replaceAll("#.*", ""))).as(page).exists();
			}
		}
	}

	private static String render() throws IOException {
		Map<String, List<Row>> groups = new TreeMap<>();
		rows().forEach((name, row) -> groups.computeIfAbsent(group(name), (key) -> new ArrayList<>()).add(row));
		StringBuilder out = new StringBuilder();
		out.append("# Configuration reference\n\n");
		out.append("<!-- Generated from the configuration metadata by ConfigurationReferenceTests: do not edit by hand.\n");
		out.append("     Regenerate with: ").append(REGENERATE).append(" -->\n\n");
		out.append("Every key of the starter, rendered from the configuration metadata that the build generates\n");
		out.append("(`META-INF/spring-configuration-metadata.json` in the autoconfigure jar, which IDEs read to complete\n");
		out.append("and document the keys). A test compares this page with the metadata, so it cannot drift.\n\n");
		out.append("Settings of the starter's own features that apply per client can be set for all clients under\n");
		out.append("`kafka.starter.<feature>` and overridden for one named client under\n");
		out.append("`kafka.starter.clients.<name>.<feature>` (for example `kafka.starter.clients.analytics.lag.interval`).\n");
		out.append("Spring Boot's `spring.kafka.*` keys are Spring Boot's; a named client takes their shape.\n");
		for (Map.Entry<String, List<Row>> group : groups.entrySet()) {
			out.append("\n## `").append(group.getKey()).append("`\n\n");
			String page = PAGES.get(group.getKey());
			if (page != null) {
				out.append("See [").append(title(page)).append("](").append(page).append(").\n\n");
			}
			out.append("| Property | Type | Default | Description |\n");
			out.append("|---|---|---|---|\n");
			for (Row row : group.getValue()) {
				out.append("| `").append(row.name()).append("` | ").append(cell(row.type())).append(" | ");
				out.append(row.defaultValue().isEmpty() ? "" : "`" + row.defaultValue() + "`");
				out.append(" | ").append(cell(row.description())).append(" |\n");
			}
		}
		return out.toString();
	}

	private static String title(String page) {
		return switch (page.replaceAll("[#.].*", "")) {
			case "named-clients" -> "Named clients";
			case "metrics" -> "Latency and client metrics";
			case "reliability" -> "Reliability";
			case "dev-broker" -> "Dev broker";
			case "actuator-endpoint" -> "Actuator endpoint";
			case "console" -> "Kafka console";
			case "health" -> "Health and probes";
			case "interceptors" -> "Interceptors";
			case "consumer-lag" -> "Consumer lag";
			case "parallel-listeners" -> "Parallel listeners";
			case "priority-topics" -> "Priority topics";
			case "share-groups" -> "Share groups";
			default -> page;
		};
	}

	private static String group(String name) {
		if (!name.startsWith("kafka.starter.")) {
			return "management";
		}
		String[] segments = name.split("\\.");
		return String.join(".", segments[0], segments[1], segments[2]);
	}

	/** Every key by name: the metadata's, with map and list values expanded. */
	private static Map<String, Row> rows() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(metadata(), "$.properties[*]");
		Map<String, Row> rows = new TreeMap<>();
		for (Map<String, Object> property : properties) {
			String name = (String) property.get("name");
			String type = (String) property.get("type");
			Class<?> element = expandable(type);
			if (element != null) {
				String key = type.startsWith("java.util.Map") ? placeholder(name) : "[i]";
				expand(rows, name + ((key.startsWith("[")) ? key : "." + key), parent(name), element,
						(String) property.get("description"));
				continue;
			}
			Object defaultValue = property.get("defaultValue");
			String rendered = (defaultValue != null) ? format(defaultValue, type)
					: runtimeDefault((String) property.get("sourceType"), name);
			rows.put(name, new Row(name, type(type), rendered, description(property.get("description"))));
		}
		// Keys that a map or list value shares with its owner fall back to the owner's value.
		for (Map.Entry<String, Row> entry : rows.entrySet()) {
			Row row = entry.getValue();
			if (row.inheritsFrom() != null && rows.containsKey(row.inheritsFrom())) {
				entry.setValue(new Row(row.name(), row.type(), "", row.description()
						+ (row.description().isEmpty() ? "" : " ") + "Defaults to `" + row.inheritsFrom() + "`."));
			}
		}
		return rows;
	}

	private static void expand(Map<String, Row> rows, String prefix, String owner, Class<?> type,
			@Nullable String ownerDescription) throws IOException {
		Object defaults = BeanUtils.instantiateClass(type);
		Map<String, String> docs = fieldDocs(type);
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			Method getter = descriptor.getReadMethod();
			if (getter == null || descriptor.getName().equals("class")) {
				continue;
			}
			String key = kebab(descriptor.getName());
			Type generic = getter.getGenericReturnType();
			if (ours(descriptor.getPropertyType()) && !descriptor.getPropertyType().isEnum()) {
				expand(rows, prefix + "." + key, owner + "." + key, descriptor.getPropertyType(), null);
				continue;
			}
			if (descriptor.getWriteMethod() == null) {
				continue;
			}
			String name = prefix + "." + key;
			String value = formatRuntime(invoke(getter, defaults), generic.getTypeName());
			String description = docs.getOrDefault(descriptor.getName(), "");
			rows.put(name, new Row(name, type(generic.getTypeName()), value, description, owner + "." + key));
		}
	}

	private static Object invoke(Method getter, Object target) {
		try {
			return getter.invoke(target);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The value class of a map or list of the starter's own settings, else null. */
	private static @Nullable Class<?> expandable(String type) {
		Matcher matcher = Pattern.compile("java\\.util\\.(?:Map<java\\.lang\\.String,|List<)([\\w.$]+)>").matcher(type);
		if (!matcher.matches()) {
			return null;
		}
		Class<?> element = load(matcher.group(1));
		return (element != null && ours(element) && !element.isEnum()) ? element : null;
	}

	private static boolean ours(Class<?> type) {
		return type.getName().startsWith("io.github.kafkastarter.");
	}

	private static String placeholder(String name) {
		return name.endsWith(".listeners") ? "<listener-id>" : name.endsWith(".clients") ? "<name>" : "<key>";
	}

	private static String parent(String name) {
		return name.substring(0, name.lastIndexOf('.'));
	}

	private static String runtimeDefault(@Nullable String sourceType, String name) {
		Class<?> source = (sourceType != null) ? load(sourceType) : null;
		if (source == null || !ours(source)) {
			return "";
		}
		try {
			Object instance = BeanUtils.instantiateClass(source);
			String property = camel(name.substring(name.lastIndexOf('.') + 1));
			PropertyDescriptor descriptor = BeanUtils.getPropertyDescriptor(source, property);
			if (descriptor == null || descriptor.getReadMethod() == null) {
				return "";
			}
			return formatRuntime(invoke(descriptor.getReadMethod(), instance),
					descriptor.getReadMethod().getGenericReturnType().getTypeName());
		}
		catch (RuntimeException ex) {
			// Not a plain properties class (an endpoint, say): the metadata's default is all there is.
			return "";
		}
	}

	private static String format(Object value, String type) {
		if (value instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
		}
		Class<?> enumType = load(type);
		if (enumType != null && enumType.isEnum()) {
			return enumValue(String.valueOf(value));
		}
		return String.valueOf(value);
	}

	private static String formatRuntime(@Nullable Object value, String type) {
		if (value == null) {
			return "";
		}
		if (value instanceof Collection<?> values) {
			return values.stream().map((element) -> formatRuntime(element, "")).collect(Collectors.joining(", "));
		}
		if (value instanceof Map<?, ?> map) {
			return map.isEmpty() ? "" : map.toString();
		}
		if (value instanceof Duration duration) {
			return duration(duration);
		}
		if (value instanceof Enum<?> constant) {
			return enumValue(constant.name());
		}
		if (value instanceof Class<?> clazz) {
			return clazz.getName();
		}
		return String.valueOf(value);
	}

	private static String duration(Duration duration) {
		long millis = duration.toMillis();
		if (millis == 0) {
			return "0";
		}
		long[] units = { 86_400_000, 3_600_000, 60_000, 1_000 };
		String[] suffixes = { "d", "h", "m", "s" };
		for (int i = 0; i < units.length; i++) {
			if (millis % units[i] == 0) {
				return (millis / units[i]) + suffixes[i];
			}
		}
		return millis + "ms";
	}

	private static String enumValue(String constant) {
		return constant.toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/** A type as users write its values, not as Java names it. */
	private static String type(String type) {
		Matcher list = Pattern.compile("java\\.util\\.(?:List|Set)<(.+)>").matcher(type);
		if (list.matches()) {
			return "list of " + type(list.group(1));
		}
		Matcher map = Pattern.compile("java\\.util\\.Map<java\\.lang\\.String,\\s*(.+)>").matcher(type);
		if (map.matches()) {
			return "map of " + type(map.group(1));
		}
		if (type.startsWith("java.lang.Class<")) {
			return "class name";
		}
		return switch (type) {
			case "java.lang.Boolean", "boolean" -> "boolean";
			case "java.lang.Integer", "int", "java.lang.Short", "short" -> "int";
			case "java.lang.Long", "long" -> "long";
			case "java.lang.Double", "double" -> "double";
			case "java.lang.String" -> "string";
			case "java.time.Duration" -> "duration";
			case "org.springframework.util.unit.DataSize" -> "data size";
			case "org.springframework.boot.kafka.autoconfigure.KafkaProperties" -> "`spring.kafka` settings";
			default -> {
				Class<?> loaded = load(type);
				if (loaded != null && loaded.isEnum()) {
					yield Arrays.stream(loaded.getEnumConstants())
						.map((constant) -> "`" + enumValue(((Enum<?>) constant).name()) + "`")
						.collect(Collectors.joining(", "));
				}
				yield type.substring(type.lastIndexOf('.') + 1).replace('$', '.');
			}
		};
	}

	private static @Nullable Class<?> load(String name) {
		try {
			return Class.forName(name, false, ConfigurationReferenceTests.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

	private static String description(@Nullable Object description) {
		return (description != null) ? ((String) description).replaceAll("\\s+", " ").trim() : "";
	}

	private static String cell(String text) {
		return text.replace("|", "\\|");
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	private static String camel(String kebab) {
		StringBuilder out = new StringBuilder();
		for (String part : kebab.split("-")) {
			out.append(out.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
		}
		return out.toString();
	}

	/**
	 * The Javadoc of each field declared directly in the given class, read from its source,
	 * as the configuration processor reads it for the classes it reaches.
	 */
	private static Map<String, String> fieldDocs(Class<?> type) throws IOException {
		Class<?> top = type;
		while (top.getEnclosingClass() != null) {
			top = top.getEnclosingClass();
		}
		Path source = Path.of("src", "main", "java", top.getName().replace('.', '/') + ".java");
		String text = Files.readString(source, StandardCharsets.UTF_8);
		Matcher declaration = Pattern.compile("\\b(?:class|record)\\s+" + type.getSimpleName() + "\\b").matcher(text);
		assertThat(declaration.find()).as("declaration of %s in %s", type.getSimpleName(), source).isTrue();
		String body = topLevelOf(text, text.indexOf('{', declaration.end()) + 1);
		Map<String, String> docs = new LinkedHashMap<>();
		Matcher field = FIELD.matcher(body);
		while (field.find()) {
			docs.put(field.group(2), javadoc(field.group(1)));
		}
		return docs;
	}

	/** The class body from start, without nested blocks (methods, inner classes). */
	private static String topLevelOf(String text, int start) {
		StringBuilder out = new StringBuilder();
		int depth = 0;
		for (int i = start; i < text.length(); i++) {
			char c = text.charAt(i);
			if (text.startsWith("/*", i)) {
				int end = text.indexOf("*/", i) + 2;
				if (depth == 0) {
					out.append(text, i, end);
				}
				i = end - 1;
			}
			else if (text.startsWith("//", i)) {
				i = text.indexOf('\n', i);
			}
			else if (c == '"') {
				int end = text.indexOf('"', i + 1);
				while (text.charAt(end - 1) == '\\') {
					end = text.indexOf('"', end + 1);
				}
				if (depth == 0) {
					out.append(text, i, end + 1);
				}
				i = end;
			}
			else if (c == '{') {
				depth++;
			}
			else if (c == '}') {
				if (depth == 0) {
					return out.toString();
				}
				depth--;
				if (depth == 0) {
					out.append(';');
				}
			}
			else if (depth == 0) {
				out.append(c);
			}
		}
		return out.toString();
	}

	private static String javadoc(String comment) {
		String text = comment.lines()
			.map((line) -> line.replaceFirst("^\\s*\\*\\s?", ""))
			.filter((line) -> !line.startsWith("@"))
			.collect(Collectors.joining(" "));
		text = text.replaceAll("\\{@(?:code|literal) ([^}]*)}", "$1")
			.replaceAll("\\{@link(?:plain)? (?:[\\w.]*#)?([^} ]*)[^}]*}", "$1")
			.replaceAll("<[^>]+>", "");
		return text.replaceAll("\\s+", " ").trim();
	}

	private static String metadata() throws IOException {
		try (InputStream in = ConfigurationReferenceTests.class.getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private record Row(String name, String type, String defaultValue, String description,
			@Nullable String inheritsFrom) {

		Row(String name, String type, String defaultValue, String description) {
			this(name, type, defaultValue, description, null);
		}

	}

}
