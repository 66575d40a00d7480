package io.beacon.config;

import io.beacon.settings.Visibility;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Every setting of {@link BeaconConfig}: its config-file key ({@code snake_case}), environment
 * variable ({@code BEACON_UPPER_SNAKE}), command-line flag ({@code --kebab-case}), default,
 * description and the values it accepts.
 *
 * <p>This enum is the single list of settings: the loader, {@code beacon config}, {@code --help}
 * and the documentation are all generated from it.
 */
public enum ConfigKey {
    HTTP_HOST("http_host", BeaconConfig.DEFAULT_HTTP_HOST,
            "address the HTTP/WebSocket listener binds to", "a non-empty host name or IP address"),
    HTTP_PORT("http_port", String.valueOf(BeaconConfig.DEFAULT_HTTP_PORT),
            "TCP port of the HTTP/WebSocket listener (0 = any free port)", "an integer 0..65535"),
    JWT_SECRET("jwt_secret", null,
            "HS256 secret for client JWTs; unset = dev mode with a generated secret in data_dir",
            "a secret of at least " + BeaconConfig.MIN_JWT_SECRET_BYTES + " bytes"),
    API_KEY("api_key", null,
            "key the backend sends as 'Authorization: Bearer <key>' to the REST API; unset = generated in data_dir",
            "a key of at least " + BeaconConfig.MIN_API_KEY_LENGTH + " characters"),
    DATA_DIR("data_dir", BeaconConfig.DEFAULT_DATA_DIR,
            "directory for the embedded database and generated dev secrets", "a non-empty directory path"),
    HEARTBEAT_INTERVAL_MS("heartbeat_interval_ms", String.valueOf(BeaconConfig.DEFAULT_HEARTBEAT_INTERVAL_MS),
            "how often clients are told to send a heartbeat", positiveMillis()),
    SESSION_TTL_MS("session_ttl_ms", String.valueOf(BeaconConfig.DEFAULT_SESSION_TTL_MS),
            "a session with no frame for this long is dead (must exceed heartbeat_interval_ms)", positiveMillis()),
    OFFLINE_GRACE_MS("offline_grace_ms", String.valueOf(BeaconConfig.DEFAULT_OFFLINE_GRACE_MS),
            "wait this long after a user's last session ends before publishing offline (0 = at once)",
            "an integer 0.." + BeaconConfig.MAX_DURATION_MS + " (milliseconds)"),
    IDLE_AFTER_MS("idle_after_ms", String.valueOf(BeaconConfig.DEFAULT_IDLE_AFTER_MS),
            "a session reporting no activity for this long is marked idle", positiveMillis()),
    HELLO_TIMEOUT_MS("hello_timeout_ms", String.valueOf(BeaconConfig.DEFAULT_HELLO_TIMEOUT_MS),
            "a connection that sends no hello within this time is closed", positiveMillis()),
    DEFAULT_VISIBILITY("default_visibility", BeaconConfig.DEFAULT_DEFAULT_VISIBILITY.wire(),
            "who may see a user's presence unless the user chose otherwise", "one of everyone, contacts, nobody"),
    ROOM_LARGE_THRESHOLD("room_large_threshold", String.valueOf(BeaconConfig.DEFAULT_ROOM_LARGE_THRESHOLD),
            "members shown in a room's list; above this many the list is the first page and diffs are batched once a second",
            "a positive integer"),
    MAX_ROOM_MEMBERS("max_room_members", String.valueOf(BeaconConfig.DEFAULT_MAX_ROOM_MEMBERS),
            "most users one room may hold; a join over it is refused with too_large", "a positive integer"),
    MAX_ROOMS_PER_SESSION("max_rooms_per_session", String.valueOf(BeaconConfig.DEFAULT_MAX_ROOMS_PER_SESSION),
            "most rooms one session may be in", "a positive integer"),
    MAX_ROOM_META_BYTES("max_room_meta_bytes", String.valueOf(BeaconConfig.DEFAULT_MAX_ROOM_META_BYTES),
            "largest meta of a session in a room, in bytes of compact JSON", "an integer 2.." + Integer.MAX_VALUE),
    MAX_SIGNAL_BYTES("max_signal_bytes", String.valueOf(BeaconConfig.DEFAULT_MAX_SIGNAL_BYTES),
            "largest data of a room signal, in bytes of compact JSON", "an integer 2.." + Integer.MAX_VALUE),
    MAX_SIGNALS_PER_SECOND("max_signals_per_second", String.valueOf(BeaconConfig.DEFAULT_MAX_SIGNALS_PER_SECOND),
            "room signals (typing, read, app kinds) per session per second, burst = 2x", "a positive integer"),
    NODE_LEASE_TTL_MS("node_lease_ttl_ms", String.valueOf(BeaconConfig.DEFAULT_NODE_LEASE_TTL_MS),
            "cluster mode: a node whose lease is not renewed for this long is considered dead", positiveMillis()),
    REDIS_URL("redis_url", null,
            "set = cluster mode on Redis; redis://host:port, or comma-separated seed URIs with redis_cluster=true",
            "redis://host:port or a comma-separated list of such URIs"),
    REDIS_CLUSTER("redis_cluster", String.valueOf(BeaconConfig.DEFAULT_REDIS_CLUSTER),
            "redis_url points at a Redis Cluster", "true or false"),
    DATABASE_URL("database_url", null,
            "PostgreSQL JDBC URL for settings; unset = embedded SQLite under data_dir",
            "a JDBC URL starting with " + BeaconConfig.POSTGRES_JDBC_PREFIX),
    MAX_SUBSCRIPTIONS("max_subscriptions", String.valueOf(BeaconConfig.DEFAULT_MAX_SUBSCRIPTIONS),
            "most users one connection may subscribe to", "a positive integer"),
    MAX_IDS_PER_CALL("max_ids_per_call", String.valueOf(BeaconConfig.DEFAULT_MAX_IDS_PER_CALL),
            "most user ids one REST call may carry (contacts, blocks, presence queries)", "a positive integer"),
    MAX_MESSAGES_PER_SECOND("max_messages_per_second", String.valueOf(BeaconConfig.DEFAULT_MAX_MESSAGES_PER_SECOND),
            "per-connection message rate (token bucket, burst = 2x)", "a positive integer"),
    MAX_FRAME_BYTES("max_frame_bytes", String.valueOf(BeaconConfig.DEFAULT_MAX_FRAME_BYTES),
            "largest accepted WebSocket frame or request body in bytes", "a positive integer"),
    MAX_CONNECTIONS("max_connections", String.valueOf(BeaconConfig.DEFAULT_MAX_CONNECTIONS),
            "most concurrent client connections on this node", "a positive integer"),
    IO_THREADS("io_threads", String.valueOf(BeaconConfig.DEFAULT_IO_THREADS),
            "network I/O threads (0 = number of cores)",
            "an integer 0.." + BeaconConfig.MAX_IO_THREADS + " (0 = number of cores)");

    private static String positiveMillis() {
        return "an integer 1.." + BeaconConfig.MAX_DURATION_MS + " (milliseconds)";
    }

    private final String key;
    private final String defaultValue;
    private final String description;
    private final String expected;

    ConfigKey(String key, String defaultValue, String description, String expected) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.expected = expected;
    }

    /** The config-file key, e.g. {@code http_port}. */
    public String key() {
        return key;
    }

    /** The environment variable, e.g. {@code BEACON_HTTP_PORT}. */
    public String envVar() {
        return "BEACON_" + key.toUpperCase(Locale.ROOT);
    }

    /** The command-line flag, e.g. {@code --http-port}. */
    public String flag() {
        return "--" + key.replace('_', '-');
    }

    /** The default as text, or {@code null} when the setting is unset by default. */
    public String defaultValue() {
        return defaultValue;
    }

    /** One line describing the setting. */
    public String description() {
        return description;
    }

    /** What the setting accepts, e.g. {@code an integer 0..65535}. */
    public String expected() {
        return expected;
    }

    /** Whether the value is a secret that must never be printed. */
    public boolean secret() {
        return this == JWT_SECRET || this == API_KEY;
    }

    /** Whether the setting may be left unset (blank values then mean "unset"). */
    public boolean optional() {
        return defaultValue == null;
    }

    /** Finds a key by its config-file name, or returns {@code null}. */
    public static ConfigKey byKey(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }

    /** Finds a key by its environment variable, or returns {@code null}. */
    public static ConfigKey byEnvVar(String envVar) {
        for (ConfigKey k : values()) {
            if (k.envVar().equals(envVar)) {
                return k;
            }
        }
        return null;
    }

    /**
     * The error for a bad value of this key: one line naming the key, its environment variable,
     * the value (hidden for secrets) and {@link #expected()}.
     */
    public ConfigException invalid(Object value) {
        return invalid(value, expected);
    }

    /** Like {@link #invalid(Object)} with a different description of what is accepted. */
    public ConfigException invalid(Object value, String expectedText) {
        String shown = String.valueOf(value);
        if (secret()) {
            int bytes = shown.getBytes(StandardCharsets.UTF_8).length;
            return new ConfigException("invalid value (hidden, " + bytes + " bytes) for " + key + " (" + envVar()
                    + "): expected " + expectedText);
        }
        return new ConfigException("invalid value " + quote(shown) + " for " + key + " (" + envVar()
                + "): expected " + expectedText);
    }

    /** Parses {@code raw} and sets it on {@code builder}; blank values of optional keys unset them. */
    void apply(BeaconConfig.Builder builder, String raw) {
        String v = raw.strip();
        if (optional() && v.isEmpty()) {
            v = null;
        }
        switch (this) {
            case HTTP_HOST -> builder.httpHost(v);
            case HTTP_PORT -> builder.httpPort(parseInt(v));
            case JWT_SECRET -> builder.jwtSecret(v);
            case API_KEY -> builder.apiKey(v);
            case DATA_DIR -> builder.dataDir(parsePath(v));
            case HEARTBEAT_INTERVAL_MS -> builder.heartbeatIntervalMs(parseLong(v));
            case SESSION_TTL_MS -> builder.sessionTtlMs(parseLong(v));
            case OFFLINE_GRACE_MS -> builder.offlineGraceMs(parseLong(v));
            case IDLE_AFTER_MS -> builder.idleAfterMs(parseLong(v));
            case HELLO_TIMEOUT_MS -> builder.helloTimeoutMs(parseLong(v));
            case DEFAULT_VISIBILITY -> builder.defaultVisibility(parseVisibility(v));
            case ROOM_LARGE_THRESHOLD -> builder.roomLargeThreshold(parseInt(v));
            case MAX_ROOM_MEMBERS -> builder.maxRoomMembers(parseInt(v));
            case MAX_ROOMS_PER_SESSION -> builder.maxRoomsPerSession(parseInt(v));
            case MAX_ROOM_META_BYTES -> builder.maxRoomMetaBytes(parseInt(v));
            case MAX_SIGNAL_BYTES -> builder.maxSignalBytes(parseInt(v));
            case MAX_SIGNALS_PER_SECOND -> builder.maxSignalsPerSecond(parseInt(v));
            case NODE_LEASE_TTL_MS -> builder.nodeLeaseTtlMs(parseLong(v));
            case REDIS_URL -> builder.redisUrl(v);
            case REDIS_CLUSTER -> builder.redisCluster(parseBoolean(v));
            case DATABASE_URL -> builder.databaseUrl(v);
            case MAX_SUBSCRIPTIONS -> builder.maxSubscriptions(parseInt(v));
            case MAX_IDS_PER_CALL -> builder.maxIdsPerCall(parseInt(v));
            case MAX_MESSAGES_PER_SECOND -> builder.maxMessagesPerSecond(parseInt(v));
            case MAX_FRAME_BYTES -> builder.maxFrameBytes(parseInt(v));
            case MAX_CONNECTIONS -> builder.maxConnections(parseInt(v));
            case IO_THREADS -> builder.ioThreads(parseInt(v));
        }
    }

    /** The value of this setting in {@code config} as text, or {@code null} when unset. Secrets are not masked. */
    public String valueIn(BeaconConfig config) {
        Object value = switch (this) {
            case HTTP_HOST -> config.httpHost();
            case HTTP_PORT -> config.httpPort();
            case JWT_SECRET -> config.jwtSecret().orElse(null);
            case API_KEY -> config.apiKey().orElse(null);
            case DATA_DIR -> config.dataDir();
            case HEARTBEAT_INTERVAL_MS -> config.heartbeatIntervalMs();
            case SESSION_TTL_MS -> config.sessionTtlMs();
            case OFFLINE_GRACE_MS -> config.offlineGraceMs();
            case IDLE_AFTER_MS -> config.idleAfterMs();
            case HELLO_TIMEOUT_MS -> config.helloTimeoutMs();
            case DEFAULT_VISIBILITY -> config.defaultVisibility().wire();
            case ROOM_LARGE_THRESHOLD -> config.roomLargeThreshold();
            case MAX_ROOM_MEMBERS -> config.maxRoomMembers();
            case MAX_ROOMS_PER_SESSION -> config.maxRoomsPerSession();
            case MAX_ROOM_META_BYTES -> config.maxRoomMetaBytes();
            case MAX_SIGNAL_BYTES -> config.maxSignalBytes();
            case MAX_SIGNALS_PER_SECOND -> config.maxSignalsPerSecond();
            case NODE_LEASE_TTL_MS -> config.nodeLeaseTtlMs();
            case REDIS_URL -> config.redisUrl().orElse(null);
            case REDIS_CLUSTER -> config.redisCluster();
            case DATABASE_URL -> config.databaseUrl().orElse(null);
            case MAX_SUBSCRIPTIONS -> config.maxSubscriptions();
            case MAX_IDS_PER_CALL -> config.maxIdsPerCall();
            case MAX_MESSAGES_PER_SECOND -> config.maxMessagesPerSecond();
            case MAX_FRAME_BYTES -> config.maxFrameBytes();
            case MAX_CONNECTIONS -> config.maxConnections();
            case IO_THREADS -> config.ioThreads();
        };
        return value == null ? null : value.toString();
    }

    private int parseInt(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalid(v);
        }
    }

    private long parseLong(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw invalid(v);
        }
    }

    private boolean parseBoolean(String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw invalid(v);
    }

    private Visibility parseVisibility(String v) {
        Visibility visibility = Visibility.fromWire(v.toLowerCase(Locale.ROOT));
        if (visibility == null) {
            throw invalid(v);
        }
        return visibility;
    }

    private Path parsePath(String v) {
        if (v.isEmpty()) {
            throw invalid(v);
        }
        try {
            return Path.of(v);
        } catch (RuntimeException e) {
            throw invalid(v);
        }
    }

    /** Quotes a value for an error message, escaping quotes and control characters, cut at 120 chars. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        int limit = Math.min(value.length(), 120);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (value.length() > limit) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
