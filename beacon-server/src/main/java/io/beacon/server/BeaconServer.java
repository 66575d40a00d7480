package io.beacon.server;

import io.beacon.auth.DevSecrets;
import io.beacon.auth.TokenVerifier;
import io.beacon.bus.Bus;
import io.beacon.bus.InMemoryBus;
import io.beacon.config.BeaconConfig;
import io.beacon.config.ConfigException;
import io.beacon.engine.EngineOptions;
import io.beacon.engine.PresenceEngine;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.presence.InMemoryPresenceStore;
import io.beacon.presence.PresenceStore;
import io.beacon.privacy.PrivacyProjection;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.ProtocolLimits;
import io.beacon.rest.AdminStats;
import io.beacon.rest.DevContacts;
import io.beacon.rest.DevTokens;
import io.beacon.rest.RestApi;
import io.beacon.rest.UsersApi;
import io.beacon.store.redis.ClusterNode;
import io.beacon.store.redis.NodeLeases;
import io.beacon.store.redis.RedisBus;
import io.beacon.store.redis.RedisConnection;
import io.beacon.store.redis.RedisPresenceStore;
import io.beacon.store.sql.SqlSettingsStore;
import io.beacon.settings.SettingsStore;
import io.beacon.time.Ticker;
import io.beacon.transport.Gateway;
import io.beacon.transport.HttpInitializer;
import io.beacon.transport.HttpRouter;
import io.beacon.transport.WebAssets;
import io.beacon.transport.sse.SseTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Beacon node: the engine on its own thread, the Netty transport (native epoll where available),
 * the REST and ops endpoints, with the embedded in-memory stores.
 *
 * <pre>{@code
 * try (BeaconServer server = BeaconServer.builder().config(BeaconConfig.create()).build().start()) {
 *     System.out.println("listening on " + server.port());
 * }
 * }</pre>
 *
 * <p>Tests pass a {@link io.beacon.time.FakeTicker} with {@link Builder#ticker} and call
 * {@link #tick()} after moving it: timing rules are then tested over real sockets without sleeping.
 */
public final class BeaconServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BeaconServer.class);
    /** How often the engine thread fires due deadlines; the timer wheel's resolution is ~8 ms anyway. */
    static final long TICK_MS = 10;

    private final BeaconConfig config;
    private final Ticker ticker;
    private final String jwtSecret;
    private final String apiKey;
    private final DefaultEventLoop engineLoop;
    private final PresenceStore presenceStore;
    private final SettingsStore settingsStore;
    private final Bus bus;
    private final PresenceEngine engine;
    private final BeaconMetrics metrics;
    /** Cluster mode: the connection to Redis and this node's lease; {@code null} on a single node. */
    private final RedisConnection redis;
    private final ClusterNode cluster;
    private EventLoopGroup bossGroup;
    private EventLoopGroup ioGroup;
    private Channel serverChannel;
    private volatile boolean ready;
    private boolean nativeTransport;

    private BeaconServer(Builder b) throws java.io.IOException {
        this.config = b.config;
        this.ticker = b.ticker;
        this.jwtSecret = DevSecrets.effectiveJwtSecret(config);
        this.apiKey = DevSecrets.effectiveApiKey(config);
        this.engineLoop = new DefaultEventLoop(new DefaultThreadFactory("beacon-engine", true));
        if (config.clustered()) {
            RedisConnection.Options redisOptions = config.redisCluster()
                    ? RedisConnection.Options.cluster(config.redisUrl().orElseThrow())
                    : RedisConnection.Options.standalone(config.redisUris().get(0));
            try {
                this.redis = RedisConnection.connect(redisOptions);
            } catch (RuntimeException e) {
                throw new ConfigException("cannot reach Redis at " + config.redisUrl().orElseThrow() + " (redis_url): " + e.getMessage());
            }
            this.presenceStore = new RedisPresenceStore(redis);
            if (config.databaseUrl().isEmpty() && b.settingsStore == null) {
                LOG.warn("cluster mode without database_url: each node keeps its own settings (SQLite in {}); "
                        + "set database_url to a PostgreSQL all nodes share", config.dataDir().toAbsolutePath());
            }
        } else {
            this.redis = null;
            this.presenceStore = new InMemoryPresenceStore();
        }
        // durable settings: SQLite under data_dir, or PostgreSQL when database_url is set
        this.settingsStore = b.settingsStore != null ? b.settingsStore
                : SqlSettingsStore.open(config.dataDir(), config.databaseUrl().orElse(null), SqlSettingsStore.Options.DEFAULTS);
        this.bus = redis != null ? new RedisBus(redis) : new InMemoryBus();
        EngineOptions.Builder engineOptions = EngineOptions.builder();
        if (b.nodeId != null) {
            engineOptions.nodeId(b.nodeId);
        }
        EngineOptions options = engineOptions
                .heartbeatIntervalMs(config.heartbeatIntervalMs())
                .sessionTtlMs(config.sessionTtlMs())
                .offlineGraceMs(config.offlineGraceMs())
                .idleAfterMs(config.idleAfterMs())
                .helloTimeoutMs(config.helloTimeoutMs())
                .maxSubscriptions(config.maxSubscriptions())
                .roomLargeThreshold(config.roomLargeThreshold())
                .maxRoomMembers(config.maxRoomMembers())
                .maxRoomsPerSession(config.maxRoomsPerSession())
                .maxSignalsPerSecond(config.maxSignalsPerSecond())
                .build();
        this.engine = new PresenceEngine(options, ticker, engineLoop, presenceStore, settingsStore, bus,
                new PrivacyProjection(settingsStore, config.defaultVisibility(), ticker::millis));
        this.cluster = redis == null ? null : new ClusterNode(engine, engineLoop, redis, new NodeLeases(redis, config.nodeLeaseTtlMs()),
                (RedisBus) bus, ticker, config.nodeLeaseTtlMs(), config.offlineGraceMs());
        this.metrics = new BeaconMetrics(engine.stats(), cluster == null ? null : cluster::healthy);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port and starts serving. */
    public BeaconServer start() throws InterruptedException {
        ClientMessages parser = new ClientMessages(new ProtocolLimits(ProtocolLimits.DEFAULT_MAX_USER_ID_LENGTH, config.maxSubscriptions(),
                config.maxRoomMetaBytes(), config.maxSignalBytes()));
        TokenVerifier verifier = new TokenVerifier(jwtSecret, ticker::millis);
        Gateway gateway = new Gateway(engine, engineLoop, verifier, parser, metrics, ticker);
        int rate = config.maxMessagesPerSecond();
        int burst = config.messageBurst();
        SseTransport sse = new SseTransport(gateway, metrics, rate, burst);
        RestApi rest = new RestApi(engine, parser, apiKey, metrics, this::isReady, config.maxIdsPerCall());
        UsersApi users = new UsersApi(settingsStore, engine, engineLoop, parser, config.defaultVisibility(), config.maxIdsPerCall(),
                ticker::millis);
        AdminStats adminStats = new AdminStats(engine.stats(), metrics, engine::nodeId, cluster != null, this::isReady, ticker::millis);
        DevTokens devTokens = DevTokens.create(config.devMode(), config.httpHost(), jwtSecret, ticker::millis);
        DevContacts devContacts = new DevContacts(devTokens, verifier, settingsStore, engine, engineLoop, parser);
        WebAssets assets = WebAssets.fromClasspath();
        HttpInitializer initializer = new HttpInitializer(
                () -> new HttpRouter(gateway, sse, rest, users, adminStats, devTokens, devContacts, assets, metrics, config.maxFrameBytes(), rate, burst),
                config.maxFrameBytes(), config.maxConnections(), config.helloTimeoutMs());

        nativeTransport = Epoll.isAvailable();
        Class<? extends ServerChannel> channelClass;
        if (nativeTransport) {
            bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("beacon-accept", true), EpollIoHandler.newFactory());
            ioGroup = new MultiThreadIoEventLoopGroup(config.effectiveIoThreads(), new DefaultThreadFactory("beacon-io", true), EpollIoHandler.newFactory());
            channelClass = EpollServerSocketChannel.class;
        } else {
            LOG.warn("native epoll transport unavailable ({}); using NIO", Epoll.unavailabilityCause().toString());
            bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("beacon-accept", true), NioIoHandler.newFactory());
            ioGroup = new MultiThreadIoEventLoopGroup(config.effectiveIoThreads(), new DefaultThreadFactory("beacon-io", true), NioIoHandler.newFactory());
            channelClass = NioServerSocketChannel.class;
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, ioGroup)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(initializer);
        serverChannel = bootstrap.bind(new InetSocketAddress(config.httpHost(), config.httpPort())).sync().channel();
        engineLoop.scheduleAtFixedRate(this::safeTick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        ready = true;
        return this;
    }

    private void safeTick() {
        try {
            engine.tick();
            if (cluster != null) {
                cluster.tick();
            }
        } catch (RuntimeException e) {
            LOG.error("timer tick failed", e);
        }
    }

    /** Ready for traffic: listening, and in cluster mode Redis answers. */
    public boolean isReady() {
        return ready && (cluster == null || cluster.healthy());
    }

    /** This node's id (in session records and, in cluster mode, its lease; a new one after a lost lease). */
    public String nodeId() {
        return engine.nodeId();
    }

    /** Cluster mode: this node's lease renewals so far (each one Redis command); 0 on a single node. */
    public long leaseRenewals() {
        return cluster == null ? 0 : cluster.renewals();
    }

    /** The port actually bound (useful with {@code http_port = 0}). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public BeaconConfig config() {
        return config;
    }

    public String apiKey() {
        return apiKey;
    }

    public String jwtSecret() {
        return jwtSecret;
    }

    public boolean nativeTransport() {
        return nativeTransport;
    }

    public PresenceEngine engine() {
        return engine;
    }

    /**
     * Runs due deadlines now on the engine thread and waits for them (tests with a fake ticker); in
     * cluster mode also renews the lease when due and waits for Redis's answer.
     */
    public void tick() {
        if (cluster != null) {
            try {
                cluster.tick().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("lease renewal failed: {}", e.toString());
            }
        }
        onEngineThread(engine::tick);
    }

    /** Runs a task on the engine thread and waits until it and everything queued before it ran. */
    public void onEngineThread(Runnable task) {
        try {
            engineLoop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("engine task failed", e);
        }
    }

    @Override
    public void close() {
        ready = false;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        // before the connections close (their sessions would only linger): who is online now was last seen now
        try {
            engineLoop.submit(() -> engine.shutdown().get(5, TimeUnit.SECONDS)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("could not record last seen of the users online at shutdown: {}", e.toString());
        }
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        engineLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        if (cluster != null) {
            cluster.close(); // the lease ends now: the other nodes clean up after the grace
        }
        presenceStore.close();
        settingsStore.close(); // flushes the last seen written behind
        bus.close();
        if (redis != null) {
            redis.close();
        }
    }

    /** Runs a node from the command line and blocks until the process is asked to stop. */
    public static void run(BeaconConfig config) throws Exception {
        BeaconServer server = builder().config(config).build().start();
        String base = "http://" + config.httpHost() + ":" + server.port();
        System.out.println("Beacon listening on " + base + "  (WebSocket ws://" + config.httpHost() + ":" + server.port() + "/v1/connect, "
                + (server.nativeTransport ? "epoll" : "nio") + ")");
        if (config.devMode()) {
            System.out.println("dev mode: no BEACON_JWT_SECRET set; secrets are kept in " + config.dataDir().toAbsolutePath());
            System.out.println("  get a token:   bin/beacon token alice");
        }
        if (config.apiKey().isEmpty()) {
            System.out.println("  REST API key:  " + server.apiKey() + "   (from " + config.dataDir().resolve(DevSecrets.API_KEY_FILE) + ")");
        }
        System.out.println("  demo page:     " + base + "/   ops page: " + base + "/admin");
        System.out.println("  health:        " + base + "/healthz   metrics: " + base + "/metrics");
        if (config.clustered()) {
            System.out.println("  cluster mode:  node " + server.nodeId() + " on Redis " + config.redisUrl().orElseThrow()
                    + (config.redisCluster() ? " (Redis Cluster)" : ""));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "beacon-shutdown"));
        stopped.await();
    }

    /** Builder of a {@link BeaconServer}. */
    public static final class Builder {
        private BeaconConfig config = BeaconConfig.create();
        private Ticker ticker = Ticker.system();
        private SettingsStore settingsStore;
        private String nodeId;

        private Builder() {
        }

        /** This node's id in the cluster (default: random per start). */
        public Builder nodeId(String nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
            return this;
        }

        public Builder config(BeaconConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The clock of every timing rule; a {@link io.beacon.time.FakeTicker} in tests. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Uses this settings store instead of the SQL one the config names (tests of other stores). */
        public Builder settingsStore(SettingsStore settingsStore) {
            this.settingsStore = Objects.requireNonNull(settingsStore, "settingsStore");
            return this;
        }

        public BeaconServer build() throws java.io.IOException {
            return new BeaconServer(this);
        }
    }
}
