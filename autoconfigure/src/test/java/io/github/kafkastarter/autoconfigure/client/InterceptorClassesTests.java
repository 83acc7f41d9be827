package io.github.kafkastarter.autoconfigure.client;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading {@code interceptor.classes} in every form a client configuration holds it.
 */
class InterceptorClassesTests {

	@Test
	void readsEveryFormAndReturnsAListTheCallerMayExtend() {
		assertThat(InterceptorClasses.of(null)).isEmpty();
		assertThat(InterceptorClasses.of(" com.example.A, ,com.example.B ")).containsExactly("com.example.A",
				"com.example.B");
		assertThat(InterceptorClasses.of(List.of(String.class, "com.example.A"))).containsExactly(String.class,
				"com.example.A");
		List<Object> single = InterceptorClasses.of(String.class);
		single.add(Integer.class);
		assertThat(single).containsExactly(String.class, Integer.class);
	}

	@Test
	void knowsAClassByItselfOrByItsName() {
		assertThat(InterceptorClasses.is(String.class, String.class)).isTrue();
		assertThat(InterceptorClasses.is("java.lang.String", String.class)).isTrue();
		assertThat(InterceptorClasses.is("java.lang.Integer", String.class)).isFalse();
	}

}
