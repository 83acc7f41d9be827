package io.github.kafkastarter.autoconfigure.parity;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Spring Boot's Kafka properties as Boot itself lists them: the configuration metadata
 * generated from {@link KafkaProperties}, in the {@code spring-boot-kafka} jar on the
 * classpath. A property Boot adds in a later version shows up here without anyone
 * updating a list by hand.
 */
final class BootKafkaProperties {

	private BootKafkaProperties() {
	}

	/**
	 * The names of Boot's {@code spring.kafka.*} properties, deprecated ones left out:
	 * Boot 4.1 binds none of them (its {@code KafkaProperties} has no field for them) and
	 * each names a replacement, which is listed.
	 * @return the property names, sorted
	 */
	@SuppressWarnings("unchecked")
	static Set<String> names() {
		Set<String> names = new TreeSet<>();
		for (Map<String, Object> property : (List<Map<String, Object>>) metadata().get("properties")) {
			String name = (String) property.get("name");
			boolean deprecated = Boolean.TRUE.equals(property.get("deprecated")) || property.get("deprecation") != null;
			if (name.startsWith("spring.kafka.") && !deprecated) {
				names.add(name);
			}
		}
		return Collections.unmodifiableSet(names);
	}

	private static Map<String, Object> metadata() {
		URL jar = KafkaProperties.class.getProtectionDomain().getCodeSource().getLocation();
		String location = jar.toString().endsWith("/") ? jar + "META-INF/spring-configuration-metadata.json"
				: "jar:" + jar + "!/META-INF/spring-configuration-metadata.json";
		try (InputStream in = java.net.URI.create(location).toURL().openStream()) {
			return new LinkedHashMap<>(
					JsonParserFactory.getJsonParser().parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read Spring Boot's Kafka configuration metadata at " + location,
					ex);
		}
	}

}
