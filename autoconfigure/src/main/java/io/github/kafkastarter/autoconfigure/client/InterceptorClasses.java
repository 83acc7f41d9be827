package io.github.kafkastarter.autoconfigure.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Reads Kafka's {@code interceptor.classes} as a client configuration holds it (a list of
 * classes or names, or one comma-separated string), for the customizers that add an
 * interceptor of the starter's beside the application's own.
 */
public final class InterceptorClasses {

	private InterceptorClasses() {
	}

	/**
	 * The configured interceptors, in order.
	 * @param value the value of {@code interceptor.classes}, or {@code null}
	 * @return a new, modifiable list of classes and class names
	 */
	public static List<Object> of(@Nullable Object value) {
		if (value == null) {
			return new ArrayList<>();
		}
		if (value instanceof Collection<?> collection) {
			return new ArrayList<>(collection);
		}
		if (value instanceof String names) {
			return new ArrayList<>(StringUtils.commaDelimitedListToSet(names.replace(" ", ""))
				.stream()
				.filter(StringUtils::hasLength)
				.toList());
		}
		return new ArrayList<>(List.of(value));
	}

	/**
	 * Whether a configured entry is the given class, given as a class or by name.
	 * @param configured an entry of {@link #of(Object)}
	 * @param type the class
	 * @return whether it names {@code type}
	 */
	public static boolean is(Object configured, Class<?> type) {
		return type.equals(configured) || type.getName().equals(configured);
	}

}
