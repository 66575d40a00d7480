package io.beacon.store.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The connection of one node to Redis — standalone or a Redis Cluster — shared by the
 * {@link RedisPresenceStore}, the {@link RedisBus} and the node's lease.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>uris</td><td>—</td><td>{@code redis://host:port}; for a cluster any number of seed nodes</td></tr>
 *   <tr><td>cluster</td><td>false</td><td>the URIs are Redis Cluster seeds</td></tr>
 *   <tr><td>commandTimeout</td><td>{@value #DEFAULT_COMMAND_TIMEOUT_MS} ms</td><td>a command without an answer by then fails</td></tr>
 * </table>
 *
 * <p>While Redis is unreachable commands wait for the reconnect for at most the command timeout (at
 * most {@value #MAX_QUEUED} of them), then fail: the node keeps serving its own clients meanwhile,
 * says it is not ready, and the connection reconnects by itself with backoff.
 *
 * <pre>{@code
 * try (RedisConnection redis = RedisConnection.connect(RedisConnection.Options.standalone("redis://127.0.0.1:6379"))) {
 *     PresenceStore store = new RedisPresenceStore(redis);
 * }
 * }</pre>
 */
public final class RedisConnection implements AutoCloseable {
    public static final long DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
    /** Commands that may wait for a reconnect; beyond, they fail at once. */
    static final int MAX_QUEUED = 100_000;

    /** How to reach Redis. Immutable. */
    public record Options(List<String> uris, boolean cluster, Duration commandTimeout) {
        public Options {
            uris = List.copyOf(uris);
            if (uris.isEmpty()) {
                throw new IllegalArgumentException("at least one redis:// URI is needed");
            }
            if (!cluster && uris.size() > 1) {
                throw new IllegalArgumentException("several URIs are cluster seeds: set cluster, or give one URI");
            }
            Objects.requireNonNull(commandTimeout, "commandTimeout");
        }

        public static Options standalone(String uri) {
            return new Options(List.of(uri), false, Duration.ofMillis(DEFAULT_COMMAND_TIMEOUT_MS));
        }

        /** A Redis Cluster; {@code seeds} is one URI or several, comma-separated. */
        public static Options cluster(String seeds) {
            List<String> uris = new ArrayList<>();
            for (String s : seeds.split(",")) {
                if (!s.isBlank()) {
                    uris.add(s.strip());
                }
            }
            return new Options(uris, true, Duration.ofMillis(DEFAULT_COMMAND_TIMEOUT_MS));
        }

        public Options withCommandTimeout(Duration timeout) {
            return new Options(uris, cluster, timeout);
        }
    }

    private final Options options;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final List<reactor.core.Disposable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong linkLosses = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;

    private RedisConnection(Options options) {
        this.options = options;
        // commands wait for a (re)connect, bounded by the timeout and the queue: a cluster opens its node
        // connections on first use, and a short blip should not fail what can wait a moment
        ClientOptions.DisconnectedBehavior waitBriefly = ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS;
        TimeoutOptions timeouts = TimeoutOptions.enabled(options.commandTimeout());
        if (options.cluster()) {
            List<RedisURI> seeds = new ArrayList<>();
            for (String u : options.uris()) {
                seeds.add(RedisURI.create(u));
            }
            RedisClusterClient c = RedisClusterClient.create(resources(), seeds);
            c.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(waitBriefly)
                    .requestQueueSize(MAX_QUEUED)
                    .timeoutOptions(timeouts)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            // a failed master's replica takes over in seconds: notice it as soon
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(2))
                            .enablePeriodicRefresh(Duration.ofSeconds(5))
                            .build())
                    .build());
            StatefulRedisClusterConnection<String, String> conn = c.connect();
            this.client = c;
            this.connection = conn;
            this.commands = conn.async();
            // a failover may lose the last writes a master acknowledged, and messages published meanwhile
            onTopologyChange(this::linkLost);
        } else {
            RedisClient c = RedisClient.create(resources(), RedisURI.create(options.uris().get(0)));
            c.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(waitBriefly)
                    .requestQueueSize(MAX_QUEUED)
                    .timeoutOptions(timeouts)
                    .build());
            StatefulRedisConnection<String, String> conn = c.connect();
            this.client = c;
            this.connection = conn;
            this.commands = conn.async();
        }
        client.addListener(new io.lettuce.core.RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> link) {
                // what is published while a pub/sub link is down never arrives (commands wait for the reconnect instead)
                if (!closing && link instanceof StatefulRedisPubSubConnection) {
                    linkLost();
                }
            }
        });
    }

    /** Commands that failed so far (Redis did not take a write, or did not answer in time). */
    public long failures() {
        return failures.get();
    }

    /**
     * Times Redis may have lost what it had taken: a pub/sub link dropped (what was published meanwhile
     * never arrived), or the cluster's topology changed (a failover may lose a master's last writes).
     */
    public long linkLosses() {
        return linkLosses.get();
    }

    /** A command failed: a write may not have reached Redis. */
    void failed() {
        failures.incrementAndGet();
    }

    void linkLost() {
        linkLosses.incrementAndGet();
    }

    /** {@code f}, counting its failure in {@link #failures()}. */
    <T> java.util.concurrent.CompletableFuture<T> noting(java.util.concurrent.CompletableFuture<T> f) {
        f.whenComplete((v, e) -> {
            if (e != null) {
                failed();
            }
        });
        return f;
    }

    /** Reconnects back off from 50 ms to at most 2 s: a restarted Redis is found again within seconds. */
    private static io.lettuce.core.resource.ClientResources resources() {
        return io.lettuce.core.resource.ClientResources.builder()
                .reconnectDelay(io.lettuce.core.resource.Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /** Connects; fails when Redis cannot be reached now. */
    public static RedisConnection connect(Options options) {
        return new RedisConnection(Objects.requireNonNull(options, "options"));
    }

    public Options options() {
        return options;
    }

    public boolean cluster() {
        return options.cluster();
    }

    /** The commands of this node's one connection (routed by key slot in a cluster). */
    public RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /** Whether the command connection is up now. */
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** A new pub/sub connection: cluster-aware (sharded channels) in cluster mode. */
    StatefulRedisPubSubConnection<String, String> openPubSub() {
        return client instanceof RedisClusterClient c ? c.connectPubSub() : ((RedisClient) client).connectPubSub();
    }

    /** Runs {@code action} whenever the cluster's topology changes (slots moved, a replica promoted). */
    void onTopologyChange(Runnable action) {
        if (client instanceof RedisClusterClient c) {
            listeners.add(c.getResources().eventBus().get()
                    .filter(e -> e instanceof ClusterTopologyChangedEvent)
                    .subscribe(e -> action.run(), failure -> { }));
        }
    }

    @Override
    public void close() {
        closing = true;
        listeners.forEach(reactor.core.Disposable::dispose);
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
    }
}
