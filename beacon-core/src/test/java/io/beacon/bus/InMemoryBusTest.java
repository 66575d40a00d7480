package io.beacon.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link InMemoryBus} against the {@link BusContract}, plus what is particular to it. */
class InMemoryBusTest extends BusContract {

    @Override
    protected Bus newBus() {
        return new InMemoryBus();
    }

    private InMemoryBus inMemory() {
        return (InMemoryBus) bus;
    }

    @Test
    void channelCountDropsToZeroAfterTheLastClose() {
        String a = channel("a");
        String b = channel("b");
        assertThat(inMemory().channelCount()).isZero();

        BusSubscription a1 = bus.subscribe(a, (c, m) -> { });
        BusSubscription a2 = bus.subscribe(a, (c, m) -> { });
        BusSubscription b1 = bus.subscribe(b, (c, m) -> { });
        assertThat(inMemory().channelCount()).isEqualTo(2);

        a1.close();
        assertThat(inMemory().channelCount()).isEqualTo(2);
        a1.close();
        assertThat(inMemory().channelCount()).as("a second close must not drop a channel still held").isEqualTo(2);
        a2.close();
        assertThat(inMemory().channelCount()).isEqualTo(1);
        b1.close();
        assertThat(inMemory().channelCount()).isZero();
    }

    @Test
    void deliversSynchronouslyOnThePublishersThreadInSubscriptionOrder() {
        String ch = channel("sync");
        StringBuilder order = new StringBuilder();
        AtomicReference<Thread> thread = new AtomicReference<>();
        bus.subscribe(ch, (c, m) -> {
            thread.set(Thread.currentThread());
            order.append('1');
        });
        bus.subscribe(ch, (c, m) -> order.append('2'));
        bus.subscribe(ch, (c, m) -> order.append('3'));

        bus.publish(ch, msg("x"));

        assertThat(order).hasToString("123");
        assertThat(thread.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void aListenerMayCloseItsOwnSubscriptionWhileBeingCalled() {
        String ch = channel("self-close");
        Recorder other = new Recorder();
        AtomicReference<BusSubscription> self = new AtomicReference<>();
        CountDownLatch calls = new CountDownLatch(2);
        self.set(bus.subscribe(ch, (c, m) -> {
            calls.countDown();
            self.get().close();
        }));
        bus.subscribe(ch, other);

        bus.publish(ch, msg("1"));
        bus.publish(ch, msg("2"));

        assertThat(calls.getCount()).as("called once, then closed").isEqualTo(1);
        assertThat(other.messages).containsExactly(msg("1"), msg("2"));
    }
}
