package io.beacon.engine;

import java.util.Objects;

/**
 * The timing rules and per-connection limits of a {@link PresenceEngine}. Immutable; build with
 * {@link #builder()} or take the defaults with {@link #create()}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>heartbeatIntervalMs</td><td>{@value #DEFAULT_HEARTBEAT_INTERVAL_MS}</td><td>told to clients in {@code welcome}</td></tr>
 *   <tr><td>sessionTtlMs</td><td>{@value #DEFAULT_SESSION_TTL_MS}</td><td>no frame for this long → the session is dead; the server pings at half of it</td></tr>
 *   <tr><td>offlineGraceMs</td><td>{@value #DEFAULT_OFFLINE_GRACE_MS}</td><td>an ended session lingers this long; a resume inside it publishes nothing</td></tr>
 *   <tr><td>idleAfterMs</td><td>{@value #DEFAULT_IDLE_AFTER_MS}</td><td>no activity for this long → the session is idle</td></tr>
 *   <tr><td>helloTimeoutMs</td><td>{@value #DEFAULT_HELLO_TIMEOUT_MS}</td><td>a connection that has not said hello by then is closed (4001)</td></tr>
 *   <tr><td>maxSubscriptions</td><td>{@value #DEFAULT_MAX_SUBSCRIPTIONS}</td><td>subscriptions per session</td></tr>
 *   <tr><td>nodeId</td><td>random</td><td>this node's id in session records</td></tr>
 * </table>
 *
 * <pre>{@code
 * EngineOptions options = EngineOptions.builder().offlineGraceMs(2_000).build();
 * }</pre>
 */
public final class EngineOptions {
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
    public static final long DEFAULT_SESSION_TTL_MS = 40_000;
    public static final long DEFAULT_OFFLINE_GRACE_MS = 5_000;
    public static final long DEFAULT_IDLE_AFTER_MS = 300_000;
    public static final long DEFAULT_HELLO_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = 10_000;

    private final long heartbeatIntervalMs;
    private final long sessionTtlMs;
    private final long offlineGraceMs;
    private final long idleAfterMs;
    private final long helloTimeoutMs;
    private final int maxSubscriptions;
    private final String nodeId;

    private EngineOptions(Builder b) {
        this.heartbeatIntervalMs = b.heartbeatIntervalMs;
        this.sessionTtlMs = b.sessionTtlMs;
        this.offlineGraceMs = b.offlineGraceMs;
        this.idleAfterMs = b.idleAfterMs;
        this.helloTimeoutMs = b.helloTimeoutMs;
        this.maxSubscriptions = b.maxSubscriptions;
        this.nodeId = b.nodeId != null ? b.nodeId : Ids.random(9);
    }

    public static EngineOptions create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
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

    public int maxSubscriptions() {
        return maxSubscriptions;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Builder of {@link EngineOptions}; every value is checked when set. */
    public static final class Builder {
        private long heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
        private long sessionTtlMs = DEFAULT_SESSION_TTL_MS;
        private long offlineGraceMs = DEFAULT_OFFLINE_GRACE_MS;
        private long idleAfterMs = DEFAULT_IDLE_AFTER_MS;
        private long helloTimeoutMs = DEFAULT_HELLO_TIMEOUT_MS;
        private int maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS;
        private String nodeId;

        private Builder() {
        }

        public Builder heartbeatIntervalMs(long v) {
            this.heartbeatIntervalMs = positive("heartbeatIntervalMs", v);
            return this;
        }

        public Builder sessionTtlMs(long v) {
            this.sessionTtlMs = positive("sessionTtlMs", v);
            return this;
        }

        public Builder offlineGraceMs(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("offlineGraceMs must be >= 0, was " + v);
            }
            this.offlineGraceMs = v;
            return this;
        }

        public Builder idleAfterMs(long v) {
            this.idleAfterMs = positive("idleAfterMs", v);
            return this;
        }

        public Builder helloTimeoutMs(long v) {
            this.helloTimeoutMs = positive("helloTimeoutMs", v);
            return this;
        }

        public Builder maxSubscriptions(int v) {
            this.maxSubscriptions = (int) positive("maxSubscriptions", v);
            return this;
        }

        public Builder nodeId(String v) {
            this.nodeId = Objects.requireNonNull(v, "nodeId");
            return this;
        }

        public EngineOptions build() {
            if (sessionTtlMs <= heartbeatIntervalMs) {
                throw new IllegalArgumentException("sessionTtlMs (" + sessionTtlMs + ") must be greater than heartbeatIntervalMs ("
                        + heartbeatIntervalMs + "), or every healthy client would time out");
            }
            return new EngineOptions(this);
        }

        private static long positive(String name, long v) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be > 0, was " + v);
            }
            return v;
        }
    }
}
