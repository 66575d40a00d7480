package io.beacon.bus;

import java.util.concurrent.CompletableFuture;

/** A listener's subscription to one channel; closing it twice is harmless. */
public interface BusSubscription extends AutoCloseable {
    CompletableFuture<Void> READY = CompletableFuture.completedFuture(null);

    /**
     * Completes once the subscription is live at the transport: everything published after that
     * reaches the listener. A reader that must not miss a change between a read and its
     * subscription reads after this. At once for a bus in memory; a round trip for Redis.
     */
    default CompletableFuture<Void> ready() {
        return READY;
    }

    @Override
    void close();
}
