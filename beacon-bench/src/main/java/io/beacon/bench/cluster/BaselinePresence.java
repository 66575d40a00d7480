package io.beacon.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The baseline design, as the project's source documents sketch it (the {@code PresenceService} of the
 * Python/Redis reference implementation), ported command for command to Java and Lettuce:
 *
 * <pre>
 * heartbeat(user, device):          get_presence:    HGETALL presence:{user}
 *                                                    EXISTS presence:heartbeat:{user}   (only when the hash exists)
 *                                   _update_presence: MULTI
 *                                                    HSET presence:{user} user_id … status … last_seen … device … custom_status … activity …
 *                                                    SETEX presence:heartbeat:{user} ttl "1"   (unless offline)
 *                                                    EXEC
 *                                                    PUBLISH presence:updates {json}      (notify defaults to true)
 * set_online(user, device):         _update_presence (MULTI HSET SETEX EXEC, PUBLISH)
 * set_offline(user):                DEL presence:heartbeat:{user}; _update_presence (MULTI HSET EXEC, PUBLISH)
 * get_bulk_presence(users):         MULTI, HGETALL and EXISTS per user, EXEC
 * subscribe_presence_updates():     SUBSCRIBE presence:updates   (one global channel: every node gets every update)
 * </pre>
 *
 * <p>What is as in the reference: the keys, the commands and their order, the round trips (get, then
 * the pipeline, then the publish), MULTI/EXEC around the pipeline ({@code redis.pipeline()} is
 * transactional by default in redis-py), one global channel. What differs, each in the baseline's
 * favour or neutral for Redis:
 * <ul>
 *   <li>{@code None} fields ({@code custom_status}, {@code activity}) are stored as empty strings: redis-py
 *       refuses {@code None} in {@code HSET}, so the reference as written would fail there;</li>
 *   <li>a status change ({@link #setActivity}) always notifies: the reference's {@code set_status} notifies
 *       only when the status word changed, and an activity label would then never reach anyone;</li>
 *   <li>transactions from many sessions share one connection and one write when they are queued at once
 *       (Lettuce pipelining): fewer system calls for Redis than a pool of connections, never more commands.</li>
 * </ul>
 */
public final class BaselinePresence implements AutoCloseable {
    public static final String CHANNEL = "presence:updates";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisClient client;
    /** HGETALL, EXISTS, DEL, PUBLISH: thread-safe, auto-flushed. */
    private final StatefulRedisConnection<String, String> plain;
    private final RedisAsyncCommands<String, String> cmd;
    /** MULTI … EXEC blocks: written by one thread only, flushed once per drain. */
    private final StatefulRedisConnection<String, String> txConnection;
    private final RedisAsyncCommands<String, String> tx;
    private final ExecutorService txThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "baseline-tx");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedQueue<Runnable> txQueue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger txPending = new AtomicInteger();
    private final long ttlSeconds;
    private StatefulRedisPubSubConnection<String, String> subscriber;

    /** One presence record, the reference's {@code PresenceInfo}. */
    public static final class Info {
        public final String userId;
        public String status;
        public double lastSeen;
        public String device;
        public String customStatus;
        public String activity;

        public Info(String userId, String status, double lastSeen, String device) {
            this.userId = userId;
            this.status = status;
            this.lastSeen = lastSeen;
            this.device = device;
        }

        /** {@code to_dict()}: the hash fields, in order ({@code None} as an empty string). */
        public Map<String, String> fields() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("user_id", userId);
            m.put("status", status);
            m.put("last_seen", Double.toString(lastSeen));
            m.put("device", device == null ? "" : device);
            m.put("custom_status", customStatus == null ? "" : customStatus);
            m.put("activity", activity == null ? "" : activity);
            return m;
        }

        /** {@code json.dumps(to_dict())}. */
        public String json() {
            ObjectNode o = JSON.createObjectNode();
            o.put("user_id", userId);
            o.put("status", status);
            o.put("last_seen", lastSeen);
            o.put("device", device);
            o.put("custom_status", customStatus);
            o.put("activity", activity);
            return o.toString();
        }

        static Info from(Map<String, String> h) {
            Info i = new Info(h.get("user_id"), h.get("status"), parse(h.get("last_seen")), h.get("device"));
            i.customStatus = emptyToNull(h.get("custom_status"));
            i.activity = emptyToNull(h.get("activity"));
            return i;
        }

        public static Info fromJson(String json) {
            try {
                JsonNode n = JSON.readTree(json);
                Info i = new Info(n.path("user_id").asText(), n.path("status").asText(), n.path("last_seen").asDouble(),
                        n.path("device").asText(null));
                i.customStatus = n.path("custom_status").isNull() ? null : n.path("custom_status").asText(null);
                i.activity = n.path("activity").isNull() ? null : n.path("activity").asText(null);
                return i;
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("not a presence update: " + json, e);
            }
        }

        private static double parse(String s) {
            return s == null || s.isEmpty() ? 0 : Double.parseDouble(s);
        }

        private static String emptyToNull(String s) {
            return s == null || s.isEmpty() ? null : s;
        }
    }

    public BaselinePresence(String redisUri, long heartbeatTtlSeconds) {
        this.client = RedisClient.create(RedisURI.create(redisUri));
        this.plain = client.connect();
        this.cmd = plain.async();
        this.txConnection = client.connect();
        this.txConnection.setAutoFlushCommands(false);
        this.tx = txConnection.async();
        this.ttlSeconds = heartbeatTtlSeconds;
    }

    static String presenceKey(String user) {
        return "presence:" + user;
    }

    static String heartbeatKey(String user) {
        return "presence:heartbeat:" + user;
    }

    static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    // ------------------------------------------------------------------ the reference's methods

    /** {@code set_online}: a fresh online record, stored and published. */
    public CompletableFuture<Info> setOnline(String user, String device) {
        Info p = new Info(user, "online", now(), device);
        return updatePresence(p, true).thenApply(v -> p);
    }

    /** {@code heartbeat}: read the presence, touch last_seen and device, store and publish it. */
    public CompletableFuture<Info> heartbeat(String user, String device) {
        return getPresence(user).thenCompose(current -> {
            double now = now();
            Info p = current;
            if (p != null) {
                p.lastSeen = now;
                p.device = device;
            } else {
                p = new Info(user, "online", now, device);
            }
            Info stored = p;
            return updatePresence(p, true).thenApply(v -> stored);
        });
    }

    /**
     * {@code set_status(user, status, custom_status, activity)} with the status kept and the activity
     * changed: notified (see the class comment).
     */
    public CompletableFuture<Info> setActivity(String user, String activity) {
        return getPresence(user).thenCompose(current -> {
            if (current == null) {
                return CompletableFuture.completedFuture(null);
            }
            current.activity = activity;
            current.lastSeen = now();
            return updatePresence(current, true).thenApply(v -> current);
        });
    }

    /** {@code set_offline}: DEL the heartbeat key, then store and publish an offline record. */
    public CompletableFuture<Void> setOffline(String user) {
        Info p = new Info(user, "offline", now(), "");
        return cmd.del(heartbeatKey(user)).toCompletableFuture().thenCompose(n -> updatePresence(p, true));
    }

    /** {@code get_presence}: HGETALL, then EXISTS of the heartbeat key when there is a record. */
    public CompletableFuture<Info> getPresence(String user) {
        return cmd.hgetall(presenceKey(user)).toCompletableFuture().thenCompose(data -> {
            if (data == null || data.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            Info p = Info.from(data);
            return cmd.exists(heartbeatKey(user)).toCompletableFuture().thenApply(exists -> {
                if (exists == 0 && !"offline".equals(p.status)) {
                    p.status = "offline";
                }
                return p;
            });
        });
    }

    /** {@code get_bulk_presence}: one transactional pipeline of HGETALL and EXISTS per user. */
    public CompletableFuture<Map<String, Info>> getBulkPresence(List<String> users) {
        CompletableFuture<Map<String, Info>> out = new CompletableFuture<>();
        if (users.isEmpty()) {
            out.complete(Map.of());
            return out;
        }
        transaction(() -> {
            tx.multi();
            List<RedisFuture<Map<String, String>>> hashes = new ArrayList<>(users.size());
            List<RedisFuture<Long>> exists = new ArrayList<>(users.size());
            for (String u : users) {
                hashes.add(tx.hgetall(presenceKey(u)));
            }
            for (String u : users) {
                exists.add(tx.exists(heartbeatKey(u)));
            }
            RedisFuture<TransactionResult> exec = tx.exec();
            exec.whenComplete((r, e) -> {
                if (e != null) {
                    out.completeExceptionally(e);
                    return;
                }
                Map<String, Info> m = new LinkedHashMap<>();
                for (int i = 0; i < users.size(); i++) {
                    Map<String, String> data = r.get(i);
                    if (data == null || data.isEmpty()) {
                        continue;
                    }
                    Info p = Info.from(data);
                    long alive = r.get(users.size() + i);
                    if (alive == 0 && !"offline".equals(p.status)) {
                        p.status = "offline";
                    }
                    m.put(users.get(i), p);
                }
                out.complete(m);
            });
        });
        return out;
    }

    /** {@code _update_presence}: MULTI, HSET, SETEX (unless offline), EXEC; then PUBLISH when notifying. */
    public CompletableFuture<Void> updatePresence(Info p, boolean notify) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        Map<String, String> fields = p.fields();
        boolean online = !"offline".equals(p.status);
        transaction(() -> {
            tx.multi();
            tx.hset(presenceKey(p.userId), fields);
            if (online) {
                tx.setex(heartbeatKey(p.userId), ttlSeconds, "1");
            }
            tx.exec().whenComplete((r, e) -> {
                if (e != null) {
                    stored.completeExceptionally(e);
                } else {
                    stored.complete(null);
                }
            });
        });
        if (!notify) {
            return stored;
        }
        return stored.thenCompose(v -> cmd.publish(CHANNEL, p.json()).toCompletableFuture()).thenApply(n -> null);
    }

    /** {@code subscribe_presence_updates}: every message on the global channel, as it arrives (on Lettuce's thread). */
    public synchronized CompletableFuture<Void> subscribe(Consumer<String> onMessage) {
        Objects.requireNonNull(onMessage, "onMessage");
        if (subscriber != null) {
            throw new IllegalStateException("already subscribed");
        }
        subscriber = client.connectPubSub();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                onMessage.accept(message);
            }
        });
        return subscriber.async().subscribe(CHANNEL).toCompletableFuture();
    }

    // ------------------------------------------------------------------ the transaction writer

    /**
     * Runs {@code block} (MULTI … EXEC on {@link #tx}) on the one thread that writes the transaction
     * connection; what is queued meanwhile goes out in the same write.
     */
    private void transaction(Runnable block) {
        txQueue.add(block);
        if (txPending.getAndIncrement() == 0) {
            txThread.execute(this::drain);
        }
    }

    private void drain() {
        int done = 0;
        while (true) {
            Runnable r = txQueue.poll();
            if (r == null) {
                txConnection.flushCommands();
                if (txPending.addAndGet(-done) == 0) {
                    return;
                }
                done = 0;
                continue;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                // a failed block fails its own futures; the writer goes on
            }
            done++;
            if (done % 256 == 0) {
                txConnection.flushCommands();
            }
        }
    }

    @Override
    public void close() {
        txThread.shutdown();
        try {
            txThread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (subscriber != null) {
            subscriber.close();
        }
        txConnection.close();
        plain.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
