package io.beacon.config;

import io.beacon.engine.EngineOptions;
import io.beacon.settings.Visibility;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of one Beacon node. Build one with {@link #builder()}, start from the defaults
 * with {@link #create()}, or derive a changed copy with {@link #toBuilder()}. The operator-facing
 * way in is {@link ConfigLoader} (defaults &lt; config file &lt; {@code BEACON_*} environment &lt;
 * command-line flags).
 *
 * <table>
 *   <caption>Settings (config-file key; environment variable {@code BEACON_<UPPER_SNAKE>}; flag {@code --kebab-case})</caption>
 *   <tr><th>key</th><th>default</th><th>accepts / meaning</th></tr>
 *   <tr><td>{@code http_host}</td><td>{@value #DEFAULT_HTTP_HOST}</td><td>bind address</td></tr>
 *   <tr><td>{@code http_port}</td><td>{@value #DEFAULT_HTTP_PORT}</td><td>0..65535, 0 = any free port</td></tr>
 *   <tr><td>{@code jwt_secret}</td><td>unset (dev mode)</td><td>HS256 secret, at least {@value #MIN_JWT_SECRET_BYTES} bytes (UTF-8)</td></tr>
 *   <tr><td>{@code api_key}</td><td>unset</td><td>REST API key, at least {@value #MIN_API_KEY_LENGTH} characters</td></tr>
 *   <tr><td>{@code data_dir}</td><td>{@value #DEFAULT_DATA_DIR}</td><td>embedded database and dev secrets</td></tr>
 *   <tr><td>{@code heartbeat_interval_ms}</td><td>{@value #DEFAULT_HEARTBEAT_INTERVAL_MS}</td><td>told to clients in {@code welcome}</td></tr>
 *   <tr><td>{@code session_ttl_ms}</td><td>{@value #DEFAULT_SESSION_TTL_MS}</td><td>must be greater than {@code heartbeat_interval_ms}</td></tr>
 *   <tr><td>{@code offline_grace_ms}</td><td>{@value #DEFAULT_OFFLINE_GRACE_MS}</td><td>0 allowed</td></tr>
 *   <tr><td>{@code idle_after_ms}</td><td>{@value #DEFAULT_IDLE_AFTER_MS}</td><td>no activity this long = idle</td></tr>
 *   <tr><td>{@code hello_timeout_ms}</td><td>{@value #DEFAULT_HELLO_TIMEOUT_MS}</td><td>time allowed for the first frame</td></tr>
 *   <tr><td>{@code default_visibility}</td><td>contacts</td><td>everyone | contacts | nobody</td></tr>
 *   <tr><td>{@code room_large_threshold}</td><td>{@value #DEFAULT_ROOM_LARGE_THRESHOLD}</td><td>members shown in a room's list; above it, batched diffs</td></tr>
 *   <tr><td>{@code max_room_members}</td><td>{@value #DEFAULT_MAX_ROOM_MEMBERS}</td><td>users per room</td></tr>
 *   <tr><td>{@code max_rooms_per_session}</td><td>{@value #DEFAULT_MAX_ROOMS_PER_SESSION}</td><td>rooms per session</td></tr>
 *   <tr><td>{@code max_room_meta_bytes}</td><td>{@value #DEFAULT_MAX_ROOM_META_BYTES}</td><td>bytes of a session's meta in a room</td></tr>
 *   <tr><td>{@code max_signal_bytes}</td><td>{@value #DEFAULT_MAX_SIGNAL_BYTES}</td><td>bytes of a signal's data</td></tr>
 *   <tr><td>{@code max_signals_per_second}</td><td>{@value #DEFAULT_MAX_SIGNALS_PER_SECOND}</td><td>per session, burst = 2x</td></tr>
 *   <tr><td>{@code node_lease_ttl_ms}</td><td>{@value #DEFAULT_NODE_LEASE_TTL_MS}</td><td>cluster node lease</td></tr>
 *   <tr><td>{@code redis_url}</td><td>unset</td><td>{@code redis://host:port}, or comma-separated seeds with {@code redis_cluster}</td></tr>
 *   <tr><td>{@code redis_cluster}</td><td>{@value #DEFAULT_REDIS_CLUSTER}</td><td>true | false</td></tr>
 *   <tr><td>{@code database_url}</td><td>unset (SQLite)</td><td>starts with {@value #POSTGRES_JDBC_PREFIX}</td></tr>
 *   <tr><td>{@code max_subscriptions}</td><td>{@value #DEFAULT_MAX_SUBSCRIPTIONS}</td><td>per connection</td></tr>
 *   <tr><td>{@code max_ids_per_call}</td><td>{@value #DEFAULT_MAX_IDS_PER_CALL}</td><td>user ids in one REST call (contacts, blocks, queries)</td></tr>
 *   <tr><td>{@code max_messages_per_second}</td><td>{@value #DEFAULT_MAX_MESSAGES_PER_SECOND}</td><td>per connection, burst = 2x</td></tr>
 *   <tr><td>{@code max_frame_bytes}</td><td>{@value #DEFAULT_MAX_FRAME_BYTES}</td><td>bytes</td></tr>
 *   <tr><td>{@code max_connections}</td><td>{@value #DEFAULT_MAX_CONNECTIONS}</td><td>per node</td></tr>
 *   <tr><td>{@code io_threads}</td><td>{@value #DEFAULT_IO_THREADS}</td><td>0 = number of cores</td></tr>
 * </table>
 *
 * <p>Durations are milliseconds, between 1 and {@value #MAX_DURATION_MS} (one year); counts are
 * positive {@code int}s. {@link #devMode()} is derived: true when no {@code jwt_secret} is set.
 * Invalid combinations are refused by {@link Builder#build()} with a one-line {@link ConfigException}.
 *
 * <pre>{@code
 * BeaconConfig config = BeaconConfig.builder()
 *         .httpPort(0)
 *         .jwtSecret("a-secret-of-at-least-thirty-two-bytes!")
 *         .heartbeatIntervalMs(1_000)
 *         .sessionTtlMs(3_000)
 *         .build();
 * BeaconConfig faster = config.toBuilder().offlineGraceMs(0).build();
 * }</pre>
 *
 * <p>{@link #toString()} masks the secrets.
 */
public final class BeaconConfig {
    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 7070;
    public static final String DEFAULT_DATA_DIR = "./data";
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = EngineOptions.DEFAULT_HEARTBEAT_INTERVAL_MS;
    public static final long DEFAULT_SESSION_TTL_MS = EngineOptions.DEFAULT_SESSION_TTL_MS;
    public static final long DEFAULT_OFFLINE_GRACE_MS = EngineOptions.DEFAULT_OFFLINE_GRACE_MS;
    public static final long DEFAULT_IDLE_AFTER_MS = EngineOptions.DEFAULT_IDLE_AFTER_MS;
    public static final long DEFAULT_HELLO_TIMEOUT_MS = EngineOptions.DEFAULT_HELLO_TIMEOUT_MS;
    public static final Visibility DEFAULT_DEFAULT_VISIBILITY = Visibility.CONTACTS;
    public static final int DEFAULT_ROOM_LARGE_THRESHOLD = EngineOptions.DEFAULT_ROOM_LARGE_THRESHOLD;
    public static final int DEFAULT_MAX_ROOM_MEMBERS = EngineOptions.DEFAULT_MAX_ROOM_MEMBERS;
    public static final int DEFAULT_MAX_ROOMS_PER_SESSION = EngineOptions.DEFAULT_MAX_ROOMS_PER_SESSION;
    public static final int DEFAULT_MAX_ROOM_META_BYTES = io.beacon.protocol.ProtocolLimits.DEFAULT_MAX_META_BYTES;
    public static final int DEFAULT_MAX_SIGNAL_BYTES = io.beacon.protocol.ProtocolLimits.DEFAULT_MAX_SIGNAL_BYTES;
    public static final int DEFAULT_MAX_SIGNALS_PER_SECOND = EngineOptions.DEFAULT_MAX_SIGNALS_PER_SECOND;
    public static final long DEFAULT_NODE_LEASE_TTL_MS = 5_000;
    public static final boolean DEFAULT_REDIS_CLUSTER = false;
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = EngineOptions.DEFAULT_MAX_SUBSCRIPTIONS;
    public static final int DEFAULT_MAX_IDS_PER_CALL = 10_000;
    public static final int DEFAULT_MAX_MESSAGES_PER_SECOND = 50;
    public static final int DEFAULT_MAX_FRAME_BYTES = 65_536;
    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    public static final int DEFAULT_IO_THREADS = 0;

    /** HS256 needs a key of at least 256 bits; the key is the UTF-8 bytes of {@code jwt_secret}. */
    public static final int MIN_JWT_SECRET_BYTES = 32;
    public static final int MIN_API_KEY_LENGTH = 16;
    /** Upper bound of every duration setting: one year in milliseconds (keeps deadline arithmetic far from overflow). */
    public static final long MAX_DURATION_MS = 31_536_000_000L;
    public static final int MAX_IO_THREADS = 1024;
    public static final String POSTGRES_JDBC_PREFIX = "jdbc:postgresql:";

    private static final BeaconConfig DEFAULTS = new Builder().build();

    private final String httpHost;
    private final int httpPort;
    private final String jwtSecret;
    private final String apiKey;
    private final Path dataDir;
    private final long heartbeatIntervalMs;
    private final long sessionTtlMs;
    private final long offlineGraceMs;
    private final long idleAfterMs;
    private final long helloTimeoutMs;
    private final Visibility defaultVisibility;
    private final int roomLargeThreshold;
    private final int maxRoomMembers;
    private final int maxRoomsPerSession;
    private final int maxRoomMetaBytes;
    private final int maxSignalBytes;
    private final int maxSignalsPerSecond;
    private final long nodeLeaseTtlMs;
    private final String redisUrl;
    private final List<String> redisUris;
    private final boolean redisCluster;
    private final String databaseUrl;
    private final int maxSubscriptions;
    private final int maxIdsPerCall;
    private final int maxMessagesPerSecond;
    private final int maxFrameBytes;
    private final int maxConnections;
    private final int ioThreads;

    private BeaconConfig(Builder b, List<String> redisUris) {
        this.httpHost = b.httpHost;
        this.httpPort = b.httpPort;
        this.jwtSecret = b.jwtSecret;
        this.apiKey = b.apiKey;
        this.dataDir = b.dataDir;
        this.heartbeatIntervalMs = b.heartbeatIntervalMs;
        this.sessionTtlMs = b.sessionTtlMs;
        this.offlineGraceMs = b.offlineGraceMs;
        this.idleAfterMs = b.idleAfterMs;
        this.helloTimeoutMs = b.helloTimeoutMs;
        this.defaultVisibility = b.defaultVisibility;
        this.roomLargeThreshold = b.roomLargeThreshold;
        this.maxRoomMembers = b.maxRoomMembers;
        this.maxRoomsPerSession = b.maxRoomsPerSession;
        this.maxRoomMetaBytes = b.maxRoomMetaBytes;
        this.maxSignalBytes = b.maxSignalBytes;
        this.maxSignalsPerSecond = b.maxSignalsPerSecond;
        this.nodeLeaseTtlMs = b.nodeLeaseTtlMs;
        this.redisUrl = b.redisUrl;
        this.redisUris = redisUris;
        this.redisCluster = b.redisCluster;
        this.databaseUrl = b.databaseUrl;
        this.maxSubscriptions = b.maxSubscriptions;
        this.maxIdsPerCall = b.maxIdsPerCall;
        this.maxMessagesPerSecond = b.maxMessagesPerSecond;
        this.maxFrameBytes = b.maxFrameBytes;
        this.maxConnections = b.maxConnections;
        this.ioThreads = b.ioThreads;
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration with every default (dev mode, no secrets). */
    public static BeaconConfig create() {
        return DEFAULTS;
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.httpHost = httpHost;
        b.httpPort = httpPort;
        b.jwtSecret = jwtSecret;
        b.apiKey = apiKey;
        b.dataDir = dataDir;
        b.heartbeatIntervalMs = heartbeatIntervalMs;
        b.sessionTtlMs = sessionTtlMs;
        b.offlineGraceMs = offlineGraceMs;
        b.idleAfterMs = idleAfterMs;
        b.helloTimeoutMs = helloTimeoutMs;
        b.defaultVisibility = defaultVisibility;
        b.roomLargeThreshold = roomLargeThreshold;
        b.maxRoomMembers = maxRoomMembers;
        b.maxRoomsPerSession = maxRoomsPerSession;
        b.maxRoomMetaBytes = maxRoomMetaBytes;
        b.maxSignalBytes = maxSignalBytes;
        b.maxSignalsPerSecond = maxSignalsPerSecond;
        b.nodeLeaseTtlMs = nodeLeaseTtlMs;
        b.redisUrl = redisUrl;
        b.redisCluster = redisCluster;
        b.databaseUrl = databaseUrl;
        b.maxSubscriptions = maxSubscriptions;
        b.maxIdsPerCall = maxIdsPerCall;
        b.maxMessagesPerSecond = maxMessagesPerSecond;
        b.maxFrameBytes = maxFrameBytes;
        b.maxConnections = maxConnections;
        b.ioThreads = ioThreads;
        return b;
    }

    public String httpHost() {
        return httpHost;
    }

    /** The configured port; 0 means "any free port" (the server reports the bound one). */
    public int httpPort() {
        return httpPort;
    }

    /** The HS256 secret; empty in dev mode (see {@code io.beacon.auth.Secrets}). */
    public Optional<String> jwtSecret() {
        return Optional.ofNullable(jwtSecret);
    }

    /** The REST API key, if configured. */
    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /** The data directory as configured (relative paths are relative to the working directory). */
    public Path dataDir() {
        return dataDir;
    }

    public long heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    public long sessionTtlMs() {
        return sessionTtlMs;
    }

    public long offlineGraceMs() {
        return offlineGraceMs;
    }

    public long idleAfterMs() {
        return idleAfterMs;
    }

    public long helloTimeoutMs() {
        return helloTimeoutMs;
    }

    public Visibility defaultVisibility() {
        return defaultVisibility;
    }

    public int roomLargeThreshold() {
        return roomLargeThreshold;
    }

    public int maxRoomMembers() {
        return maxRoomMembers;
    }

    public int maxRoomsPerSession() {
        return maxRoomsPerSession;
    }

    public int maxRoomMetaBytes() {
        return maxRoomMetaBytes;
    }

    public int maxSignalBytes() {
        return maxSignalBytes;
    }

    public int maxSignalsPerSecond() {
        return maxSignalsPerSecond;
    }

    public long nodeLeaseTtlMs() {
        return nodeLeaseTtlMs;
    }

    /** The Redis URL as configured (one URI, or comma-separated seeds); empty = embedded single node. */
    public Optional<String> redisUrl() {
        return Optional.ofNullable(redisUrl);
    }

    /** {@link #redisUrl()} split into its URIs, trimmed; empty when unset. */
    public List<String> redisUris() {
        return redisUris;
    }

    public boolean redisCluster() {
        return redisCluster;
    }

    /** The PostgreSQL JDBC URL; empty = embedded SQLite under {@link #dataDir()}. */
    public Optional<String> databaseUrl() {
        return Optional.ofNullable(databaseUrl);
    }

    public int maxSubscriptions() {
        return maxSubscriptions;
    }

    /** Most user ids one REST call may carry (contacts, blocks, presence queries). */
    public int maxIdsPerCall() {
        return maxIdsPerCall;
    }

    /** Sustained per-connection message rate; see {@link #messageBurst()}. */
    public int maxMessagesPerSecond() {
        return maxMessagesPerSecond;
    }

    /** Token-bucket capacity per connection: twice {@link #maxMessagesPerSecond()}. */
    public int messageBurst() {
        return (int) Math.min(Integer.MAX_VALUE, 2L * maxMessagesPerSecond);
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** The configured I/O thread count; 0 means "number of cores", see {@link #effectiveIoThreads()}. */
    public int ioThreads() {
        return ioThreads;
    }

    /** {@link #ioThreads()}, or the number of available processors when it is 0. */
    public int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }

    /** True when no {@code jwt_secret} is configured: the server then uses a generated dev secret. */
    public boolean devMode() {
        return jwtSecret == null;
    }

    /** Whether Redis is configured (cluster mode). */
    public boolean clustered() {
        return redisUrl != null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BeaconConfig c)) {
            return false;
        }
        for (ConfigKey key : ConfigKey.values()) {
            if (!Objects.equals(key.valueIn(this), key.valueIn(c))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (ConfigKey key : ConfigKey.values()) {
            h = 31 * h + Objects.hashCode(key.valueIn(this));
        }
        return h;
    }

    /** All settings as {@code key=value}, secrets shown as {@code ****}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BeaconConfig{");
        for (ConfigKey key : ConfigKey.values()) {
            String value = key.valueIn(this);
            if (key.ordinal() > 0) {
                sb.append(", ");
            }
            sb.append(key.key()).append('=').append(value != null && key.secret() ? "****" : value);
        }
        return sb.append('}').toString();
    }

    /**
     * Mutable builder of {@link BeaconConfig}; starts from the defaults. Setters accept anything;
     * {@link #build()} validates. Passing {@code null} to an optional setting unsets it.
     */
    public static final class Builder {
        private String httpHost = DEFAULT_HTTP_HOST;
        private int httpPort = DEFAULT_HTTP_PORT;
        private String jwtSecret;
        private String apiKey;
        private Path dataDir = Path.of(DEFAULT_DATA_DIR);
        private long heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
        private long sessionTtlMs = DEFAULT_SESSION_TTL_MS;
        private long offlineGraceMs = DEFAULT_OFFLINE_GRACE_MS;
        private long idleAfterMs = DEFAULT_IDLE_AFTER_MS;
        private long helloTimeoutMs = DEFAULT_HELLO_TIMEOUT_MS;
        private Visibility defaultVisibility = DEFAULT_DEFAULT_VISIBILITY;
        private int roomLargeThreshold = DEFAULT_ROOM_LARGE_THRESHOLD;
        private int maxRoomMembers = DEFAULT_MAX_ROOM_MEMBERS;
        private int maxRoomsPerSession = DEFAULT_MAX_ROOMS_PER_SESSION;
        private int maxRoomMetaBytes = DEFAULT_MAX_ROOM_META_BYTES;
        private int maxSignalBytes = DEFAULT_MAX_SIGNAL_BYTES;
        private int maxSignalsPerSecond = DEFAULT_MAX_SIGNALS_PER_SECOND;
        private long nodeLeaseTtlMs = DEFAULT_NODE_LEASE_TTL_MS;
        private String redisUrl;
        private boolean redisCluster = DEFAULT_REDIS_CLUSTER;
        private String databaseUrl;
        private int maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS;
        private int maxIdsPerCall = DEFAULT_MAX_IDS_PER_CALL;
        private int maxMessagesPerSecond = DEFAULT_MAX_MESSAGES_PER_SECOND;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int ioThreads = DEFAULT_IO_THREADS;

        private Builder() {
        }

        public Builder httpHost(String httpHost) {
            this.httpHost = httpHost;
            return this;
        }

        public Builder httpPort(int httpPort) {
            this.httpPort = httpPort;
            return this;
        }

        /** Sets the HS256 secret; {@code null} unsets it (dev mode). */
        public Builder jwtSecret(String jwtSecret) {
            this.jwtSecret = jwtSecret;
            return this;
        }

        /** Sets the REST API key; {@code null} unsets it. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder heartbeatIntervalMs(long heartbeatIntervalMs) {
            this.heartbeatIntervalMs = heartbeatIntervalMs;
            return this;
        }

        public Builder sessionTtlMs(long sessionTtlMs) {
            this.sessionTtlMs = sessionTtlMs;
            return this;
        }

        public Builder offlineGraceMs(long offlineGraceMs) {
            this.offlineGraceMs = offlineGraceMs;
            return this;
        }

        public Builder idleAfterMs(long idleAfterMs) {
            this.idleAfterMs = idleAfterMs;
            return this;
        }

        public Builder helloTimeoutMs(long helloTimeoutMs) {
            this.helloTimeoutMs = helloTimeoutMs;
            return this;
        }

        public Builder defaultVisibility(Visibility defaultVisibility) {
            this.defaultVisibility = defaultVisibility;
            return this;
        }

        public Builder roomLargeThreshold(int roomLargeThreshold) {
            this.roomLargeThreshold = roomLargeThreshold;
            return this;
        }

        public Builder maxRoomMembers(int maxRoomMembers) {
            this.maxRoomMembers = maxRoomMembers;
            return this;
        }

        public Builder maxRoomsPerSession(int maxRoomsPerSession) {
            this.maxRoomsPerSession = maxRoomsPerSession;
            return this;
        }

        public Builder maxRoomMetaBytes(int maxRoomMetaBytes) {
            this.maxRoomMetaBytes = maxRoomMetaBytes;
            return this;
        }

        public Builder maxSignalBytes(int maxSignalBytes) {
            this.maxSignalBytes = maxSignalBytes;
            return this;
        }

        public Builder maxSignalsPerSecond(int maxSignalsPerSecond) {
            this.maxSignalsPerSecond = maxSignalsPerSecond;
            return this;
        }

        public Builder nodeLeaseTtlMs(long nodeLeaseTtlMs) {
            this.nodeLeaseTtlMs = nodeLeaseTtlMs;
            return this;
        }

        /** Sets the Redis URL (one URI, or comma-separated seeds); {@code null} unsets it. */
        public Builder redisUrl(String redisUrl) {
            this.redisUrl = redisUrl;
            return this;
        }

        public Builder redisCluster(boolean redisCluster) {
            this.redisCluster = redisCluster;
            return this;
        }

        /** Sets the PostgreSQL JDBC URL; {@code null} unsets it. */
        public Builder databaseUrl(String databaseUrl) {
            this.databaseUrl = databaseUrl;
            return this;
        }

        public Builder maxSubscriptions(int maxSubscriptions) {
            this.maxSubscriptions = maxSubscriptions;
            return this;
        }

        public Builder maxIdsPerCall(int maxIdsPerCall) {
            this.maxIdsPerCall = maxIdsPerCall;
            return this;
        }

        public Builder maxMessagesPerSecond(int maxMessagesPerSecond) {
            this.maxMessagesPerSecond = maxMessagesPerSecond;
            return this;
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws ConfigException naming the first invalid setting
         */
        public BeaconConfig build() {
            if (httpHost == null || httpHost.isBlank()) {
                throw ConfigKey.HTTP_HOST.invalid(httpHost == null ? "" : httpHost);
            }
            if (httpPort < 0 || httpPort > 65_535) {
                throw ConfigKey.HTTP_PORT.invalid(httpPort);
            }
            if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
                throw ConfigKey.JWT_SECRET.invalid(jwtSecret);
            }
            if (apiKey != null && apiKey.length() < MIN_API_KEY_LENGTH) {
                throw ConfigKey.API_KEY.invalid(apiKey);
            }
            if (dataDir == null || dataDir.toString().isEmpty()) {
                throw ConfigKey.DATA_DIR.invalid("");
            }
            checkDuration(ConfigKey.HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs, 1);
            checkDuration(ConfigKey.SESSION_TTL_MS, sessionTtlMs, 1);
            if (sessionTtlMs <= heartbeatIntervalMs) {
                throw ConfigKey.SESSION_TTL_MS.invalid(sessionTtlMs,
                        "an integer (milliseconds) greater than heartbeat_interval_ms (" + heartbeatIntervalMs + ")");
            }
            checkDuration(ConfigKey.OFFLINE_GRACE_MS, offlineGraceMs, 0);
            checkDuration(ConfigKey.IDLE_AFTER_MS, idleAfterMs, 1);
            checkDuration(ConfigKey.HELLO_TIMEOUT_MS, helloTimeoutMs, 1);
            if (defaultVisibility == null) {
                throw ConfigKey.DEFAULT_VISIBILITY.invalid("");
            }
            checkPositive(ConfigKey.ROOM_LARGE_THRESHOLD, roomLargeThreshold);
            checkPositive(ConfigKey.MAX_ROOM_MEMBERS, maxRoomMembers);
            checkPositive(ConfigKey.MAX_ROOMS_PER_SESSION, maxRoomsPerSession);
            if (maxRoomMetaBytes < 2) {
                throw ConfigKey.MAX_ROOM_META_BYTES.invalid(maxRoomMetaBytes);
            }
            if (maxSignalBytes < 2) {
                throw ConfigKey.MAX_SIGNAL_BYTES.invalid(maxSignalBytes);
            }
            checkPositive(ConfigKey.MAX_SIGNALS_PER_SECOND, maxSignalsPerSecond);
            checkDuration(ConfigKey.NODE_LEASE_TTL_MS, nodeLeaseTtlMs, 1);
            List<String> uris = redisUris();
            if (redisCluster && redisUrl == null) {
                throw ConfigKey.REDIS_CLUSTER.invalid(true, "false unless redis_url is set");
            }
            if (uris.size() > 1 && !redisCluster) {
                throw ConfigKey.REDIS_URL.invalid(redisUrl, "a single redis://host:port URI unless redis_cluster is true");
            }
            if (databaseUrl != null && !databaseUrl.startsWith(POSTGRES_JDBC_PREFIX)) {
                throw ConfigKey.DATABASE_URL.invalid(databaseUrl);
            }
            checkPositive(ConfigKey.MAX_SUBSCRIPTIONS, maxSubscriptions);
            checkPositive(ConfigKey.MAX_IDS_PER_CALL, maxIdsPerCall);
            checkPositive(ConfigKey.MAX_MESSAGES_PER_SECOND, maxMessagesPerSecond);
            checkPositive(ConfigKey.MAX_FRAME_BYTES, maxFrameBytes);
            checkPositive(ConfigKey.MAX_CONNECTIONS, maxConnections);
            if (ioThreads < 0 || ioThreads > MAX_IO_THREADS) {
                throw ConfigKey.IO_THREADS.invalid(ioThreads);
            }
            return new BeaconConfig(this, uris);
        }

        private List<String> redisUris() {
            if (redisUrl == null) {
                return List.of();
            }
            List<String> uris = new ArrayList<>();
            for (String part : redisUrl.split(",", -1)) {
                String uri = part.strip();
                if (!isRedisUri(uri)) {
                    throw ConfigKey.REDIS_URL.invalid(redisUrl);
                }
                uris.add(uri);
            }
            return List.copyOf(uris);
        }

        private static boolean isRedisUri(String text) {
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme();
                return ("redis".equalsIgnoreCase(scheme) || "rediss".equalsIgnoreCase(scheme))
                        && uri.getHost() != null
                        && uri.getPort() >= -1 && uri.getPort() <= 65_535 && uri.getPort() != 0;
            } catch (URISyntaxException e) {
                return false;
            }
        }

        private static void checkDuration(ConfigKey key, long value, long min) {
            if (value < min || value > MAX_DURATION_MS) {
                throw key.invalid(value);
            }
        }

        private static void checkPositive(ConfigKey key, int value) {
            if (value < 1) {
                throw key.invalid(value);
            }
        }
    }
}
