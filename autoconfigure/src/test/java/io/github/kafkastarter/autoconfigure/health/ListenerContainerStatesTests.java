package io.github.kafkastarter.autoconfigure.health;

import java.time.Duration;
import java.util.List;

import io.github.kafkastarter.autoconfigure.client.KafkaClientContainers;
import io.github.kafkastarter.autoconfigure.health.ListenerContainerStates.ListenerContainerState;
import io.github.kafkastarter.autoconfigure.share.ShareGroupsUnavailableEvent;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.kafka.event.ConsumerFailedToStartEvent;
import org.springframework.kafka.event.ConsumerRetryAuthEvent;
import org.springframework.kafka.event.ConsumerRetryAuthSuccessfulEvent;
import org.springframework.kafka.event.ConsumerStartedEvent;
import org.springframework.kafka.event.ConsumerStartingEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.NonResponsiveConsumerEvent;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ListenerContainerRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.ShareKafkaMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * How container events become a container's state, event by event, with containers and a
 * clock the test controls. (The integration tests run the same on a real broker for the
 * cases a broker can produce on demand.)
 */
class ListenerContainerStatesTests {

	private final BrokerHealthIndicatorTests.MutableClock clock = new BrokerHealthIndicatorTests.MutableClock();

	private final MessageListenerContainer container = mock(MessageListenerContainer.class);

	private final MessageListenerContainer consumer1 = mock(MessageListenerContainer.class);

	private final MessageListenerContainer consumer2 = mock(MessageListenerContainer.class);

	private ListenerContainerStates states;

	@BeforeEach
	void setUp() {
		this.states = new ListenerContainerStates(null, new KafkaClientContainers(),
				new StaticListableBeanFactory().getBeanProvider(ListenerContainerRegistry.class), this.clock);
		ContainerProperties properties = new ContainerProperties("orders");
		properties.setMonitorInterval(30);
		given(this.container.getListenerId()).willReturn("orders");
		given(this.container.getGroupId()).willReturn("order-service");
		given(this.container.getContainerProperties()).willReturn(properties);
		given(this.consumer1.getContainerProperties()).willReturn(properties);
		given(this.consumer2.getContainerProperties()).willReturn(properties);
		given(this.container.isInExpectedState()).willReturn(true);
		running(true);
	}

	@Test
	void aConsumerThatStopsPollingIsAProblemUntilTheMonitorStopsReportingIt() {
		event(new NonResponsiveConsumerEvent(this.consumer1, this.container, 40_000, "orders-0", List.of(),
				mock(Consumer.class)));
		assertThat(state().problem()).startsWith("The consumer has not polled for 40000 ms");
		assertThat(state().state()).isEqualTo(ListenerContainerState.State.RUNNING);
		// The monitor reports it every monitor interval (30 s here) while it lasts.
		this.clock.advance(Duration.ofSeconds(59));
		assertThat(state().healthy()).isFalse();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(state().healthy()).isTrue();
	}

	@Test
	void aConsumerThatFailedToStartIsAProblemUntilItStarts() {
		event(new ConsumerStartingEvent(this.consumer1, this.container));
		event(new ConsumerFailedToStartEvent(this.consumer2, this.container));
		assertThat(state().problem()).contains("consumerStartTimeout");
		event(new ConsumerStartingEvent(this.consumer2, this.container));
		assertThat(state().healthy()).isTrue();
	}

	@Test
	void retryingAfterAnAuthenticationFailureIsAProblemUntilItSucceeds() {
		event(new ConsumerRetryAuthEvent(this.consumer1, this.container,
				ConsumerRetryAuthEvent.Reason.AUTHENTICATION));
		assertThat(state().problem()).isEqualTo("The consumer is retrying after an authentication failure");
		event(new ConsumerRetryAuthSuccessfulEvent(this.consumer1, this.container));
		assertThat(state().healthy()).isTrue();
	}

	@Test
	void theFirstAbnormalReasonIsTheOneReportedAndALateSiblingStartKeepsIt() {
		event(new ConsumerStartingEvent(this.consumer1, this.container));
		event(new ConsumerStoppedEvent(this.consumer1, this.container, ConsumerStoppedEvent.Reason.FENCED));
		running(false);
		given(this.container.isInExpectedState()).willReturn(false);
		event(new ConsumerStoppedEvent(this.consumer2, this.container, ConsumerStoppedEvent.Reason.ABNORMAL));
		event(new ConsumerStartingEvent(this.consumer2, this.container));
		ListenerContainerState state = state();
		assertThat(state.state()).isEqualTo(ListenerContainerState.State.FAILED);
		assertThat(state.problem()).contains("fenced");
		// Started again, on purpose: healthy again.
		running(true);
		given(this.container.isInExpectedState()).willReturn(true);
		event(new ConsumerStartingEvent(this.consumer1, this.container));
		assertThat(state().healthy()).isTrue();
		assertThat(state().state()).isEqualTo(ListenerContainerState.State.RUNNING);
	}

	@Test
	void stoppedOnPurposeAndNeverStartedAreBothHealthy() {
		running(false);
		assertThat(state().state()).isEqualTo(ListenerContainerState.State.NOT_STARTED);
		assertThat(state().healthy()).isTrue();
		running(true);
		event(new ConsumerStartingEvent(this.consumer1, this.container));
		running(false);
		event(new ConsumerStoppedEvent(this.consumer1, this.container, ConsumerStoppedEvent.Reason.NORMAL));
		assertThat(state().state()).isEqualTo(ListenerContainerState.State.STOPPED);
		assertThat(state().healthy()).isTrue();
	}

	@Test
	void aShareContainerWhoseConsumerStoppedOnAnExceptionIsFailedAlthoughItSaysItRuns() {
		ShareKafkaMessageListenerContainer<?, ?> share = shareContainer();
		// Spring Kafka's share container: "in its expected state" exactly while it runs, and
		// it goes on running after its consumers have died.
		given(share.isRunning()).willReturn(true);
		given(share.isInExpectedState()).willReturn(true);
		event(new ConsumerStartingEvent(share, share));
		event(new ConsumerStartedEvent(share, share));
		assertThat(this.states.state(share).state()).isEqualTo(ListenerContainerState.State.RUNNING);
		event(new ConsumerStoppedEvent(share, share, ConsumerStoppedEvent.Reason.ABNORMAL));
		ListenerContainerState state = this.states.state(share);
		assertThat(state.state()).isEqualTo(ListenerContainerState.State.FAILED);
		assertThat(state.problem()).isEqualTo(
				"A share consumer stopped on an exception (see the log); the container does not replace it");
		assertThat(state.since()).isNotNull();
		// Stopped (no event) and started again on purpose: new consumers, healthy again.
		event(new ConsumerStartingEvent(share, share));
		assertThat(this.states.state(share).healthy()).isTrue();
		assertThat(this.states.state(share).state()).isEqualTo(ListenerContainerState.State.RUNNING);
	}

	@Test
	void aShareContainerStoppedOnPurposeOrNeverStartedIsHealthy() {
		ShareKafkaMessageListenerContainer<?, ?> share = shareContainer();
		// Not running, hence "not in its expected state" for Spring Kafka.
		given(share.isRunning()).willReturn(false);
		given(share.isInExpectedState()).willReturn(false);
		assertThat(this.states.state(share).state()).isEqualTo(ListenerContainerState.State.NOT_STARTED);
		assertThat(this.states.state(share).healthy()).isTrue();
		given(share.isRunning()).willReturn(true);
		event(new ConsumerStartingEvent(share, share));
		given(share.isRunning()).willReturn(false);
		event(new ConsumerStoppedEvent(share, share, ConsumerStoppedEvent.Reason.NORMAL));
		assertThat(this.states.state(share).state()).isEqualTo(ListenerContainerState.State.STOPPED);
		assertThat(this.states.state(share).healthy()).isTrue();
	}

	@Test
	void aShareContainerOnAClusterWithoutShareGroupsIsFailedWithTheReason() {
		ShareKafkaMessageListenerContainer<?, ?> share = shareContainer();
		given(share.isRunning()).willReturn(false);
		given(share.isInExpectedState()).willReturn(false);
		event(new ShareGroupsUnavailableEvent(share, "its brokers are older than Kafka 4.1"));
		ListenerContainerState state = this.states.state(share);
		assertThat(state.state()).isEqualTo(ListenerContainerState.State.FAILED);
		assertThat(state.problem())
			.isEqualTo("Not started: the cluster has no share groups: its brokers are older than Kafka 4.1");
		// Started later, once the cluster has them.
		given(share.isRunning()).willReturn(true);
		event(new ConsumerStartingEvent(share, share));
		assertThat(this.states.state(share).healthy()).isTrue();
	}

	private static ShareKafkaMessageListenerContainer<?, ?> shareContainer() {
		ShareKafkaMessageListenerContainer<?, ?> share = mock(ShareKafkaMessageListenerContainer.class);
		given(share.getListenerId()).willReturn("jobs");
		given(share.getGroupId()).willReturn("workers");
		given(share.getContainerProperties()).willReturn(new ContainerProperties("jobs"));
		return share;
	}

	private void running(boolean running) {
		given(this.container.isRunning()).willReturn(running);
	}

	private void event(org.springframework.kafka.event.KafkaEvent event) {
		this.states.onApplicationEvent(event);
	}

	private ListenerContainerState state() {
		return this.states.state(this.container);
	}

}
