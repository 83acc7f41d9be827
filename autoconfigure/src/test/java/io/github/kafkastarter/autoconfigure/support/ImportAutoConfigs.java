package io.github.kafkastarter.autoconfigure.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.Map;

import org.springframework.context.annotation.DeferredImportSelector;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.AnnotationMetadata;

/**
 * {@code @ImportAutoConfiguration} by name, for test applications that need some of the
 * starter's auto-configurations, which are package-private. The configurations are
 * imported after the application's own, in the order given (list them as Spring Boot would
 * sort them).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(ImportAutoConfigs.Selector.class)
public @interface ImportAutoConfigs {

	/**
	 * The auto-configurations, in order: the starter's by their name below
	 * {@value AutoConfigs#PACKAGE} ({@code client.KafkaClientsAutoConfiguration}), any
	 * other by its fully qualified name.
	 * @return the names
	 */
	String[] value();

	/**
	 * Imports the named configurations.
	 */
	class Selector implements DeferredImportSelector {

		@Override
		public String[] selectImports(AnnotationMetadata metadata) {
			Map<String, Object> attributes = metadata.getAnnotationAttributes(ImportAutoConfigs.class.getName());
			return Arrays.stream((String[]) attributes.get("value"))
				.map((name) -> name.startsWith("org.") ? name : AutoConfigs.PACKAGE + name)
				.toArray(String[]::new);
		}

	}

}
