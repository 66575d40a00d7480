package io.beacon.bus;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded {@link Bus}: delivers synchronously, on the publisher's thread, to the listeners of
 * this process in subscription order.
 */
public final class InMemoryBus implements Bus {
    private static final System.Logger LOG = System.getLogger(InMemoryBus.class.getName());

    private final ConcurrentHashMap<String, CopyOnWriteArrayList<BusListener>> listeners = new ConcurrentHashMap<>();

    @Override
    public void publish(String channel, BusMessage message) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(message, "message");
        CopyOnWriteArrayList<BusListener> list = listeners.get(channel);
        if (list == null) {
            return;
        }
        for (BusListener l : list) {
            try {
                l.onMessage(channel, message);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "bus listener on " + channel + " failed", e);
            }
        }
    }

    @Override
    public BusSubscription subscribe(String channel, BusListener listener) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(listener, "listener");
        // inside the map's atomic step: a concurrent close of the channel's last listener cannot drop our list
        listeners.compute(channel, (c, list) -> {
            CopyOnWriteArrayList<BusListener> l = list == null ? new CopyOnWriteArrayList<>() : list;
            l.add(listener);
            return l;
        });
        return new BusSubscription() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (closed) {
                    return;
                }
                closed = true;
                listeners.computeIfPresent(channel, (c, list) -> {
                    list.remove(listener);
                    return list.isEmpty() ? null : list;
                });
            }
        };
    }

    /** Number of channels with at least one listener (for tests and metrics). */
    public int channelCount() {
        return listeners.size();
    }
}
