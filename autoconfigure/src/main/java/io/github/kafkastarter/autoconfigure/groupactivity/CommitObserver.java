package io.github.kafkastarter.autoconfigure.groupactivity;

import java.lang.reflect.Method;
import java.util.Collection;

import io.github.kafkastarter.autoconfigure.client.KafkaSecrets;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.kafka.core.ConsumerPostProcessor;

/**
 * Sees the outcome of every offset commit of the consumers a consumer factory creates,
 * through Spring Kafka's {@link ConsumerPostProcessor} hook: each consumer is wrapped in a
 * proxy of the {@link Consumer} interface whose {@code commitSync} and {@code commitAsync}
 * methods report to {@link GroupActivity}; every other method goes straight to the
 * consumer.
 * <p>
 * The container has no single place that sees them: with its default acknowledgement mode,
 * Spring Kafka catches a {@code CommitFailedException} of a synchronous commit and calls
 * the error handler only when records of the poll remain, and it calls the commit callback
 * for asynchronous commits only. Commits the parallel engine or the application make
 * through the consumer are seen too.
 */
final class CommitObserver<K, V> implements ConsumerPostProcessor<K, V> {

	private final GroupActivity activity;

	private final String client;

	private final Collection<String> secrets;

	CommitObserver(GroupActivity activity, String client, Collection<String> secrets) {
		this.activity = activity;
		this.client = client;
		this.secrets = secrets;
	}

	@Override
	@SuppressWarnings("unchecked")
	public Consumer<K, V> apply(Consumer<K, V> consumer) {
		ProxyFactory factory = new ProxyFactory(consumer);
		factory.addInterface(Consumer.class);
		factory.addAdvisor(new DefaultPointcutAdvisor(CommitMethods.INSTANCE, new Commits(consumer)));
		return (Consumer<K, V>) factory.getProxy(consumer.getClass().getClassLoader());
	}

	/**
	 * Reports the commits of one consumer.
	 */
	private final class Commits implements MethodInterceptor {

		private final Consumer<?, ?> consumer;

		// Read on the consumer's thread, where commits run, at the first commit.
		private @Nullable String group;

		Commits(Consumer<?, ?> consumer) {
			this.consumer = consumer;
		}

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			if (invocation.getMethod().getName().equals("commitAsync")) {
				Object[] arguments = invocation.getArguments();
				int last = arguments.length - 1;
				if (last >= 0 && arguments[last] instanceof OffsetCommitCallback callback) {
					String group = group();
					arguments[last] = (OffsetCommitCallback) (offsets, exception) -> {
						completed(group, exception);
						callback.onComplete(offsets, exception);
					};
				}
				return invocation.proceed();
			}
			String group = group();
			try {
				Object result = invocation.proceed();
				completed(group, null);
				return result;
			}
			catch (RuntimeException ex) {
				completed(group, ex);
				throw ex;
			}
		}

		private @Nullable String group() {
			if (this.group == null) {
				try {
					this.group = this.consumer.groupMetadata().groupId();
				}
				catch (RuntimeException ex) {
					// No group: Kafka rejects the commit itself.
				}
			}
			return this.group;
		}

		private void completed(@Nullable String group, @Nullable Exception exception) {
			// A commit woken up or interrupted (the container stopping) neither failed nor
			// succeeded.
			if (group == null || exception instanceof WakeupException || exception instanceof InterruptException) {
				return;
			}
			if (exception == null) {
				CommitObserver.this.activity.commitSucceeded(CommitObserver.this.client, group);
			}
			else {
				CommitObserver.this.activity.commitFailed(CommitObserver.this.client, group, exception,
						KafkaSecrets.describe(exception, CommitObserver.this.secrets));
			}
		}

	}

	/**
	 * The commit methods of {@link Consumer}.
	 */
	private static final class CommitMethods extends StaticMethodMatcherPointcut {

		static final CommitMethods INSTANCE = new CommitMethods();

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return method.getName().equals("commitSync") || method.getName().equals("commitAsync");
		}

	}

}
