package io.beacon.bus;

/**
 * Carries changes between the parts of Beacon that watch them: within one process
 * ({@link InMemoryBus}) or between the nodes of a cluster (Redis pub/sub).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #publish} delivers the message to every listener subscribed to the channel at that
 *       moment (whose subscription is {@linkplain BusSubscription#ready() ready}), on every node, at most
 *       once per subscription.</li>
 *   <li>Messages published by one publisher on one channel arrive in the order they were published.</li>
 *   <li>Subscriptions are reference counted by the implementation: the first listener of a channel
 *       subscribes it at the transport, closing the last one unsubscribes it.</li>
 *   <li>A listener that throws does not stop delivery to the others.</li>
 *   <li>Listeners may be called on any thread; they must hand work to their own thread.</li>
 * </ul>
 */
public interface Bus extends AutoCloseable {

    void publish(String channel, BusMessage message);

    BusSubscription subscribe(String channel, BusListener listener);

    @Override
    default void close() {
    }
}
