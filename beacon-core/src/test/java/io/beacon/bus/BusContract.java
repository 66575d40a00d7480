package io.beacon.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.beacon.presence.CustomStatus;
import io.beacon.presence.Device;
import io.beacon.presence.DeviceStatus;
import io.beacon.presence.Presence;
import io.beacon.presence.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Bus} promises (its Javadoc), as one suite that each implementation's
 * test (in memory, Redis) extends with {@link #newBus()}.
 *
 * <p>Delivery may be asynchronous: tests wait with a bounded poll ({@link #deliveryTimeout()}), never
 * with a fixed sleep. To show that something was <em>not</em> delivered, a test publishes a fence
 * message after it and waits for the fence. Channel names are unique to each test, so a bus on a shared
 * transport needs no cleanup.
 */
public abstract class BusContract {

    protected Bus bus;
    private final String prefix = "t-" + UUID.randomUUID() + "-";

    /** A fresh bus, called before each test. */
    protected abstract Bus newBus();

    /** How long a test waits for a delivery; raise it for slow transports. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(10);
    }

    @BeforeEach
    protected void openBus() {
        bus = newBus();
    }

    @AfterEach
    protected void closeBus() {
        if (bus != null) {
            bus.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Subscribes and waits until the subscription is live, as the contract's readers do. */
    protected BusSubscription subscribe(String channel, BusListener listener) {
        BusSubscription sub = bus.subscribe(channel, listener);
        try {
            sub.ready().get(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("subscription to " + channel + " did not become ready", e);
        }
        return sub;
    }

    /** A presence channel unique to this test. */
    protected String channel(String name) {
        return Channels.presence(prefix + name);
    }

    /** A listener that records what it receives, in order. */
    protected static final class Recorder implements BusListener {
        public final List<BusMessage> messages = new CopyOnWriteArrayList<>();
        public final List<String> channels = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(String channel, BusMessage message) {
            channels.add(channel);
            messages.add(message);
        }

        public int count() {
            return messages.size();
        }
    }

    protected static BusMessage msg(String text) {
        return new BusMessage.SettingsChanged(text);
    }

    /** Polls until {@code condition} holds, failing after {@link #deliveryTimeout()}. */
    protected void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + deliveryTimeout().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + deliveryTimeout() + " waiting for " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Waits until {@code r} has received {@code m}. */
    protected void awaitReceived(Recorder r, BusMessage m) {
        awaitUntil("delivery of " + m, () -> r.messages.contains(m));
    }

    /** Publishes a fence on {@code channel} and waits until every recorder got it. */
    private BusMessage fence(String channel, Recorder... recorders) {
        BusMessage f = msg("fence-" + UUID.randomUUID());
        bus.publish(channel, f);
        for (Recorder r : recorders) {
            awaitReceived(r, f);
        }
        return f;
    }

    // ------------------------------------------------------------------ delivery

    @Test
    public void deliversToEverySubscriberOfTheChannelOnce() {
        String ch = channel("a");
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        subscribe(ch, r1);
        subscribe(ch, r2);

        BusMessage m = msg("hello");
        bus.publish(ch, m);
        BusMessage f = fence(ch, r1, r2);

        assertThat(r1.messages).containsExactly(m, f);
        assertThat(r2.messages).containsExactly(m, f);
        assertThat(r1.channels).containsOnly(ch);
        assertThat(r2.channels).containsOnly(ch);
    }

    @Test
    public void doesNotDeliverToOtherChannels() {
        String a = channel("alice");
        String aLonger = channel("alice2");
        String userChannel = Channels.user(prefix + "alice");
        Recorder onA = new Recorder();
        Recorder onLonger = new Recorder();
        Recorder onUser = new Recorder();
        subscribe(a, onA);
        subscribe(aLonger, onLonger);
        subscribe(userChannel, onUser);

        BusMessage m = msg("for alice");
        bus.publish(a, m);
        awaitReceived(onA, m);
        BusMessage f1 = fence(aLonger, onLonger);
        BusMessage f2 = fence(userChannel, onUser);

        assertThat(onA.messages).containsExactly(m);
        assertThat(onLonger.messages).containsExactly(f1);
        assertThat(onUser.messages).containsExactly(f2);
    }

    @Test
    public void publishingToAChannelWithoutSubscribersIsFine() {
        String ch = channel("empty");

        assertThatCode(() -> bus.publish(ch, msg("nobody listens"))).doesNotThrowAnyException();

        Recorder late = new Recorder();
        subscribe(ch, late);
        BusMessage f = fence(ch, late);
        assertThat(late.messages).containsExactly(f);
    }

    @Test
    public void preservesPerPublisherOrderOverAThousandMessages() {
        String ch = channel("order");
        Recorder r = new Recorder();
        subscribe(ch, r);
        List<BusMessage> sent = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            BusMessage m = msg("m" + i);
            sent.add(m);
            bus.publish(ch, m);
        }

        awaitUntil("1000 messages", () -> r.count() >= 1_000);

        assertThat(r.messages).containsExactlyElementsOf(sent);
    }

    @Test
    public void preservesOrderPerPublisherWhenSeveralPublishConcurrently() throws Exception {
        String ch = channel("order-many");
        Recorder r = new Recorder();
        subscribe(ch, r);
        int publishers = 4;
        int perPublisher = 1_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perPublisher; i++) {
                        bus.publish(ch, msg("p" + publisher + ":" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        awaitUntil(publishers * perPublisher + " messages", () -> r.count() >= publishers * perPublisher);

        assertThat(r.messages).hasSize(publishers * perPublisher);
        int[] next = new int[publishers];
        for (BusMessage m : r.messages) {
            String[] parts = ((BusMessage.SettingsChanged) m).userId().substring(1).split(":");
            int publisher = Integer.parseInt(parts[0]);
            int seq = Integer.parseInt(parts[1]);
            assertThat(seq).as("message of publisher %d", publisher).isEqualTo(next[publisher]);
            next[publisher]++;
        }
    }

    // ------------------------------------------------------------------ subscriptions

    @Test
    public void closingASubscriptionStopsDelivery() {
        String ch = channel("close");
        Recorder closed = new Recorder();
        Recorder open = new Recorder();
        BusSubscription sub = subscribe(ch, closed);
        subscribe(ch, open);
        BusMessage before = msg("before");
        bus.publish(ch, before);
        awaitReceived(closed, before);

        sub.close();
        BusMessage after = msg("after");
        bus.publish(ch, after);
        BusMessage f = fence(ch, open);

        assertThat(closed.messages).containsExactly(before);
        assertThat(open.messages).containsExactly(before, after, f);
    }

    @Test
    public void closingTwiceIsHarmlessAndDoesNotCloseOtherSubscriptions() {
        String ch = channel("close-twice");
        Recorder gone = new Recorder();
        Recorder stays = new Recorder();
        BusSubscription sub = subscribe(ch, gone);
        subscribe(ch, stays);

        sub.close();
        assertThatCode(sub::close).doesNotThrowAnyException();

        // a second close must not release the channel another subscription still holds
        BusMessage m = msg("still here");
        bus.publish(ch, m);
        BusMessage f = fence(ch, stays);
        assertThat(stays.messages).containsExactly(m, f);
        assertThat(gone.messages).isEmpty();
    }

    @Test
    public void closingTheLastSubscriptionAndSubscribingAgainWorks() {
        String ch = channel("resubscribe");
        Recorder first = new Recorder();
        BusSubscription sub = subscribe(ch, first);
        BusMessage m1 = msg("one");
        bus.publish(ch, m1);
        awaitReceived(first, m1);
        sub.close();
        sub.close();

        Recorder second = new Recorder();
        BusSubscription sub2 = subscribe(ch, second);
        BusMessage m2 = msg("two");
        bus.publish(ch, m2);
        awaitReceived(second, m2);

        assertThat(second.messages).containsExactly(m2);
        assertThat(first.messages).containsExactly(m1);
        sub2.close();
    }

    @Test
    public void theSameListenerSubscribedTwiceKeepsReceivingUntilBothSubscriptionsClose() {
        String ch = channel("same-listener");
        Recorder r = new Recorder();
        Recorder witness = new Recorder();
        BusSubscription s1 = subscribe(ch, r);
        BusSubscription s2 = subscribe(ch, r);
        subscribe(ch, witness);

        s1.close();
        BusMessage m = msg("after one close");
        bus.publish(ch, m);
        awaitReceived(r, m);

        s2.close();
        r.messages.clear();
        BusMessage after = msg("after both closed");
        bus.publish(ch, after);
        fence(ch, witness);
        assertThat(r.messages).isEmpty();
    }

    /**
     * The reference count of a channel must not lose a subscription that arrives while the last
     * other one closes (the classic race of "close the last → unsubscribe" against "subscribe the
     * first → subscribe"): a subscription that has returned receives what is published after it.
     */
    @Test
    public void aSubscriptionMadeWhileAnotherOneClosesStillReceives() throws Exception {
        String ch = channel("churn");
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                subscribe(ch, (c, m) -> { }).close();
            }
        }, "bus-churn");
        churn.setDaemon(true);
        churn.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            // at least 200 rounds, then until the deadline (at most 100,000)
            for (int i = 0; i < 100_000 && (i < 200 || System.nanoTime() - deadline < 0); i++) {
                Recorder r = new Recorder();
                BusSubscription sub = subscribe(ch, r);
                BusMessage m = msg("m" + i);
                bus.publish(ch, m);
                awaitReceived(r, m);
                sub.close();
            }
        } finally {
            stop.set(true);
            churn.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Test
    public void aThrowingListenerDoesNotStopDeliveryToOthers() {
        String ch = channel("throwing");
        AtomicInteger calls = new AtomicInteger();
        Recorder before = new Recorder();
        Recorder after = new Recorder();
        subscribe(ch, before);
        subscribe(ch, (c, m) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener failure (expected by the test)");
        });
        subscribe(ch, after);

        List<BusMessage> sent = List.of(msg("1"), msg("2"), msg("3"));
        for (BusMessage m : sent) {
            assertThatCode(() -> bus.publish(ch, m)).doesNotThrowAnyException();
        }

        awaitUntil("3 messages on both good listeners", () -> before.count() >= 3 && after.count() >= 3);
        assertThat(before.messages).containsExactlyElementsOf(sent);
        assertThat(after.messages).containsExactlyElementsOf(sent);
        awaitUntil("3 calls of the throwing listener", () -> calls.get() >= 3);
    }

    // ------------------------------------------------------------------ message kinds

    @Test
    public void everyMessageKindRoundTripsWithEqualContent() {
        String ch = channel("kinds");
        Recorder r = new Recorder();
        subscribe(ch, r);
        String odd = "ünï-😀-\"quoted\"-{tag}";
        Presence full = new Presence(odd, Status.BUSY, "in_call", new CustomStatus("On a call ☎", "📞", 1_700_000_999_000L),
                1_700_000_000_000L, null,
                List.of(new DeviceStatus(Device.WEB, Status.ONLINE), new DeviceStatus(Device.MOBILE, Status.AWAY)),
                1_700_000_000_123L, true);
        Presence minimal = Presence.unknown("bob");
        Presence approx = new Presence("carol", Status.OFFLINE, null, new CustomStatus("gone", null, 0), 0, "recently",
                List.of(), 7, false);
        io.beacon.rooms.RoomMember member = new io.beacon.rooms.RoomMember(odd, 42, java.util.Set.of("blocked-1", odd),
                List.of(new io.beacon.rooms.RoomSession("s1", "node-a", Device.WEB, "{\"cursor\":{\"x\":1.5,\"y\":-2},\"t\":\"ü\"}", 1_700_000_000_000L),
                        new io.beacon.rooms.RoomSession("s2", "node-b", Device.MOBILE, "{}", 1_700_000_000_001L)));
        io.beacon.rooms.RoomChange change = new io.beacon.rooms.RoomChange("doc:{42}", io.beacon.rooms.RoomChange.Outcome.CHANGED,
                1_700_000_000_000L, 1_700_000_000_007L, 3, List.of(member), List.of("gone-1", odd));
        List<BusMessage> sent = List.of(
                new BusMessage.PresenceChanged(full),
                new BusMessage.PresenceChanged(minimal),
                new BusMessage.PresenceChanged(approx),
                new BusMessage.SettingsChanged(odd),
                new BusMessage.DisconnectUser(odd),
                new BusMessage.RoomChanged(change),
                new BusMessage.RoomSignal("doc:{42}", odd, "s1", "read", "{\"marker\":\"m-1\"}"),
                new BusMessage.RoomSignal("doc:{42}", "bob", "s2", "ping", null));

        sent.forEach(m -> bus.publish(ch, m));
        awaitUntil(sent.size() + " messages", () -> r.count() >= sent.size());

        assertThat(r.messages).containsExactlyElementsOf(sent);
        assertThat(r.messages.get(0)).isInstanceOf(BusMessage.PresenceChanged.class);
        assertThat(r.messages.get(3)).isInstanceOf(BusMessage.SettingsChanged.class);
        assertThat(r.messages.get(4)).isInstanceOf(BusMessage.DisconnectUser.class);
    }
}
