package io.beacon.store.redis;

import io.beacon.bus.Bus;
import io.beacon.bus.BusListener;
import io.beacon.bus.BusMessage;
import io.beacon.bus.BusSubscription;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Bus} of cluster mode: Redis pub/sub, sharded ({@code SSUBSCRIBE}/{@code SPUBLISH}) on a
 * Redis Cluster so a channel lives on the shard of its hash tag.
 *
 * <p>This node subscribes a channel at Redis only while it has local listeners on it (reference
 * counted: the first listener subscribes, closing the last unsubscribes), so Redis sends a node only
 * the changes of users and rooms its clients watch. Subscriptions are kept by this class, not only by
 * the connection: after a reconnect or a topology change (a slot moved, a replica promoted)
 * {@link #resubscribe()} subscribes every channel again — Lettuce does not always do it for sharded
 * channels. Messages published while the link is down are lost; the node catches up by reading again
 * ({@code PresenceEngine.resync}, see {@link ClusterNode}).
 */
public final class RedisBus implements Bus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBus.class);
    /** Tries per channel after a topology change: about a minute with the command timeout. */
    static final int RESUBSCRIBE_ATTEMPTS = 25;

    private final RedisConnection connection;
    private final boolean sharded;
    private final RedisClusterAsyncCommands<String, String> publisher;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final RedisPubSubAsyncCommands<String, String> sub;
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    /** Messages Redis did not take ({channel, payload}), for {@link #republish()}. */
    private final ConcurrentHashMap<String, String[]> unpublished = new ConcurrentHashMap<>();
    /** At most this many channels' messages are kept for {@link #republish()}; beyond, a full resync catches up. */
    static final int MAX_UNPUBLISHED = 100_000;

    /** The local listeners of one channel and whether Redis has confirmed the subscription. */
    private static final class Channel {
        final CopyOnWriteArrayList<BusListener> listeners = new CopyOnWriteArrayList<>();
        volatile CompletableFuture<Void> subscribed;
    }

    public RedisBus(RedisConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.sharded = connection.cluster();
        this.publisher = connection.commands();
        this.subscriber = connection.openPubSub();
        this.sub = subscriber.async();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                dispatch(channel, message);
            }

            @Override
            public void smessage(String channel, String message) {
                dispatch(channel, message);
            }
        });
        connection.onTopologyChange(this::resubscribe);
    }

    @Override
    public void publish(String channel, BusMessage message) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(message, "message");
        send(channel, message, RedisJson.bus(message));
    }

    private void send(String channel, BusMessage message, String payload) {
        (sharded ? publisher.spublish(channel, payload) : publisher.publish(channel, payload)).whenComplete((n, e) -> {
            if (e != null) {
                LOG.warn("could not publish on {}: {}", channel, e.toString());
                connection.failed();
                keep(channel, message, payload);
            }
        });
    }

    /**
     * Publishes again what could not be published (the latest message per channel, signals aside:
     * they are moments, not state), so the other nodes learn the changes they missed.
     */
    public void republish() {
        for (String key : List.copyOf(unpublished.keySet())) {
            String[] kept = unpublished.remove(key);
            if (kept != null) {
                send(kept[0], RedisJson.bus(kept[1]), kept[1]);
            }
        }
    }

    /** Keeps a message Redis did not take: the latest per channel and (for settings and disconnects) per user. */
    private void keep(String channel, BusMessage message, String payload) {
        String key = switch (message) {
            case BusMessage.RoomSignal sig -> null; // a moment, not state
            case BusMessage.SettingsChanged sc -> channel + '\n' + sc.userId();
            case BusMessage.DisconnectUser du -> channel + '\n' + du.userId();
            default -> channel; // versioned: the latest says it all, and a gap makes the receiver read again
        };
        if (key == null) {
            return;
        }
        if (unpublished.size() >= MAX_UNPUBLISHED && !unpublished.containsKey(key)) {
            connection.linkLost(); // too much to keep: the nodes read everything again instead
            return;
        }
        unpublished.put(key, new String[] {channel, payload});
    }

    @Override
    public BusSubscription subscribe(String channel, BusListener listener) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(listener, "listener");
        Channel[] mine = new Channel[1];
        // inside the map's atomic step: a concurrent close of the channel's last listener cannot drop it
        channels.compute(channel, (c, existing) -> {
            Channel ch = existing == null ? new Channel() : existing;
            ch.listeners.add(listener);
            if (ch.subscribed == null || ch.subscribed.isCompletedExceptionally()) {
                ch.subscribed = redisSubscribe(channel); // a failed subscribe is tried again by the next listener
            }
            mine[0] = ch;
            return ch;
        });
        Channel ch = mine[0];
        return new BusSubscription() {
            private boolean closed;

            @Override
            public CompletableFuture<Void> ready() {
                return ch.subscribed;
            }

            @Override
            public synchronized void close() {
                if (closed) {
                    return;
                }
                closed = true;
                channels.computeIfPresent(channel, (c, existing) -> {
                    existing.listeners.remove(listener);
                    if (existing.listeners.isEmpty()) {
                        (sharded ? sub.sunsubscribe(channel) : sub.unsubscribe(channel)).whenComplete((v, e) -> {
                            if (e != null) {
                                LOG.debug("could not unsubscribe {}: {}", channel, e.toString());
                            }
                        });
                        return null;
                    }
                    return existing;
                });
            }
        };
    }

    private CompletableFuture<Void> redisSubscribe(String channel) {
        return connection.noting((sharded ? sub.ssubscribe(channel) : sub.subscribe(channel)).toCompletableFuture());
    }

    /**
     * Subscribes every channel this node listens on again (after a reconnect or a topology change);
     * completes when Redis confirmed them all.
     */
    public CompletableFuture<Void> resubscribe() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String channel : channels.keySet()) {
            all.add(resubscribe(channel, 1));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /**
     * Subscribes one channel again, retrying every half second while it fails (a topology change is
     * announced before every node has taken its new role, so the first try may reach a dead master).
     */
    private CompletableFuture<Void> resubscribe(String channel, int attempt) {
        CompletableFuture<Void> f = redisSubscribe(channel);
        Channel ch = channels.get(channel);
        if (ch != null && (ch.subscribed == null || ch.subscribed.isCompletedExceptionally())) {
            ch.subscribed = f; // what waits for the channel now waits for this subscribe
        }
        return f.exceptionallyCompose(e -> {
            if (!channels.containsKey(channel)) {
                return CompletableFuture.completedFuture(null); // nobody listens any more
            }
            if (attempt >= RESUBSCRIBE_ATTEMPTS) {
                LOG.warn("could not subscribe {} again after {} attempts: {}", channel, attempt, e.toString());
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(500, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .thenCompose(v -> resubscribe(channel, attempt + 1));
        });
    }

    /** Channels with local listeners (for tests and metrics). */
    public int channelCount() {
        return channels.size();
    }

    private void dispatch(String channel, String payload) {
        Channel ch = channels.get(channel);
        if (ch == null) {
            return;
        }
        BusMessage message;
        try {
            message = RedisJson.bus(payload);
        } catch (RuntimeException e) {
            LOG.warn("dropped an unreadable message on {}: {}", channel, e.toString());
            return;
        }
        for (BusListener l : ch.listeners) {
            try {
                l.onMessage(channel, message);
            } catch (RuntimeException e) {
                LOG.warn("bus listener on {} failed", channel, e);
            }
        }
    }

    @Override
    public void close() {
        subscriber.close();
    }
}
