package io.beacon.bench.peers.mqtt;

import io.beacon.bench.ClientSession;
import io.beacon.bench.PresenceListener;
import io.netty.channel.Channel;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One MQTT presence client. Methods may be called from any thread; the work runs on the connection's
 * event loop. {@link #reconnect()} opens a new connection for the same user on this same object and
 * subscribes again to everything {@link #watch} was given (the session is clean, so the broker forgot).
 */
final class MqttSession implements ClientSession {
    private final MqttDriver driver;
    private final int user;
    private final PresenceListener listener;
    private volatile MqttDriver.Link link;

    // every user ever watched, for reconnect; guarded by this
    private int[] watched = new int[0];
    private int watchedCount;

    MqttSession(MqttDriver driver, int user, PresenceListener listener) {
        this.driver = driver;
        this.user = user;
        this.listener = listener;
    }

    CompletableFuture<Void> open() {
        return driver.open(user, listener).thenAccept(l -> link = l);
    }

    @Override
    public int user() {
        return user;
    }

    @Override
    public CompletableFuture<Void> watch(int[] users) {
        synchronized (this) {
            if (watchedCount + users.length > watched.length) {
                watched = Arrays.copyOf(watched, Math.max(watched.length * 2, watchedCount + users.length));
            }
            System.arraycopy(users, 0, watched, watchedCount, users.length);
            watchedCount += users.length;
        }
        return subscribe(link, users);
    }

    private CompletableFuture<Void> subscribe(MqttDriver.Link l, int[] users) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (l == null) {
            done.completeExceptionally(new ClosedChannelException());
            return done;
        }
        int batch = driver.topicsPerSubscribe();
        l.channel().eventLoop().execute(() -> {
            List<CompletableFuture<Void>> acks = new ArrayList<>(users.length / batch + 1);
            List<String> topics = new ArrayList<>(Math.min(batch, users.length));
            for (int u : users) {
                if (u == user) {
                    continue;
                }
                topics.add(MqttPresence.topic(u));
                if (topics.size() == batch) {
                    acks.add(l.handler().subscribe(topics));
                    topics = new ArrayList<>(batch);
                }
            }
            if (!topics.isEmpty()) {
                acks.add(l.handler().subscribe(topics));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
                if (e == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(e);
                }
            });
        });
        return done;
    }

    @Override
    public void publishStatus(String token) {
        MqttDriver.Link l = link;
        if (l != null) {
            byte[] payload = MqttPresence.onlinePayload(token);
            l.channel().eventLoop().execute(() -> l.handler().publish(payload, null));
        }
    }

    @Override
    public void heartbeat() {
        MqttDriver.Link l = link;
        if (l != null) {
            l.channel().eventLoop().execute(l.handler()::ping);
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        MqttDriver.Link l = link;
        if (l == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        l.channel().eventLoop().execute(() -> l.handler().logout().whenComplete((v, e) -> done.complete(null)));
        return done;
    }

    @Override
    public void kill() {
        MqttDriver.Link l = link;
        if (l != null) {
            l.channel().close();
        }
    }

    @Override
    public void freeze() {
        MqttDriver.Link l = link;
        if (l != null) {
            l.channel().eventLoop().execute(l.handler()::freeze);
        }
    }

    @Override
    public CompletableFuture<ClientSession> reconnect() {
        MqttDriver.Link old = link;
        CompletableFuture<Void> oldClosed = new CompletableFuture<>();
        if (old == null || !old.channel().isOpen()) {
            oldClosed.complete(null);
        } else {
            // a frozen connection still open: drop it first (its will fires), as a restarted client would
            old.channel().close().addListener(f -> oldClosed.complete(null));
        }
        return oldClosed.thenCompose(v -> open()).thenCompose(v -> {
            int[] again;
            synchronized (this) {
                again = Arrays.stream(watched, 0, watchedCount).distinct().toArray();
            }
            return subscribe(link, again);
        }).thenApply(v -> this);
    }

    @Override
    public String toString() {
        return "MqttSession[u" + user + "]";
    }
}
