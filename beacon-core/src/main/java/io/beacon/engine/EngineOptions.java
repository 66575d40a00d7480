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
 *   <tr><td>roomLargeThreshold</td><td>{@value #DEFAULT_ROOM_LARGE_THRESHOLD}</td><td>members shown in a room's list; above it the room is large: the list is the first page, diffs are batched</td></tr>
 *   <tr><td>roomBatchIntervalMs</td><td>{@value #DEFAULT_ROOM_BATCH_INTERVAL_MS}</td><td>a large room sends at most one diff per interval</td></tr>
 *   <tr><td>roomMetaIntervalMs</td><td>{@value #DEFAULT_ROOM_META_INTERVAL_MS}</td><td>a member's meta is written at most once per interval (latest wins)</td></tr>
 *   <tr><td>typingTimeoutMs</td><td>{@value #DEFAULT_TYPING_TIMEOUT_MS}</td><td>typing stops this long after the last typing signal</td></tr>
 *   <tr><td>maxSignalsPerSecond</td><td>{@value #DEFAULT_MAX_SIGNALS_PER_SECOND}</td><td>signals per session, burst twice that</td></tr>
 *   <tr><td>maxRoomsPerSession</td><td>{@value #DEFAULT_MAX_ROOMS_PER_SESSION}</td><td>rooms one session may be in</td></tr>
 *   <tr><td>maxRoomMembers</td><td>{@value #DEFAULT_MAX_ROOM_MEMBERS}</td><td>users one room may hold</td></tr>
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
    public static final int DEFAULT_ROOM_LARGE_THRESHOLD = 200;
    public static final long DEFAULT_ROOM_BATCH_INTERVAL_MS = 1_000;
    public static final long DEFAULT_ROOM_META_INTERVAL_MS = 50;
    public static final long DEFAULT_TYPING_TIMEOUT_MS = 6_000;
    public static final int DEFAULT_MAX_SIGNALS_PER_SECOND = 10;
    public static final int DEFAULT_MAX_ROOMS_PER_SESSION = 100;
    public static final int DEFAULT_MAX_ROOM_MEMBERS = 100_000;

    private final long heartbeatIntervalMs;
    private final long sessionTtlMs;
    private final long offlineGraceMs;
    private final long idleAfterMs;
    private final long helloTimeoutMs;
    private final int maxSubscriptions;
    private final String nodeId;
    private final int roomLargeThreshold;
    private final long roomBatchIntervalMs;
    private final long roomMetaIntervalMs;
    private final long typingTimeoutMs;
    private final int maxSignalsPerSecond;
    private final int maxRoomsPerSession;
    private final int maxRoomMembers;

    private EngineOptions(Builder b) {
        this.heartbeatIntervalMs = b.heartbeatIntervalMs;
        this.sessionTtlMs = b.sessionTtlMs;
        this.offlineGraceMs = b.offlineGraceMs;
        this.idleAfterMs = b.idleAfterMs;
        this.helloTimeoutMs = b.helloTimeoutMs;
        this.maxSubscriptions = b.maxSubscriptions;
        this.nodeId = b.nodeId != null ? b.nodeId : Ids.random(9);
        this.roomLargeThreshold = b.roomLargeThreshold;
        this.roomBatchIntervalMs = b.roomBatchIntervalMs;
        this.roomMetaIntervalMs = b.roomMetaIntervalMs;
        this.typingTimeoutMs = b.typingTimeoutMs;
        this.maxSignalsPerSecond = b.maxSignalsPerSecond;
        this.maxRoomsPerSession = b.maxRoomsPerSession;
        this.maxRoomMembers = b.maxRoomMembers;
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

    public int roomLargeThreshold() {
        return roomLargeThreshold;
    }

    public long roomBatchIntervalMs() {
        return roomBatchIntervalMs;
    }

    public long roomMetaIntervalMs() {
        return roomMetaIntervalMs;
    }

    public long typingTimeoutMs() {
        return typingTimeoutMs;
    }

    public int maxSignalsPerSecond() {
        return maxSignalsPerSecond;
    }

    public int maxRoomsPerSession() {
        return maxRoomsPerSession;
    }

    public int maxRoomMembers() {
        return maxRoomMembers;
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
        private int roomLargeThreshold = DEFAULT_ROOM_LARGE_THRESHOLD;
        private long roomBatchIntervalMs = DEFAULT_ROOM_BATCH_INTERVAL_MS;
        private long roomMetaIntervalMs = DEFAULT_ROOM_META_INTERVAL_MS;
        private long typingTimeoutMs = DEFAULT_TYPING_TIMEOUT_MS;
        private int maxSignalsPerSecond = DEFAULT_MAX_SIGNALS_PER_SECOND;
        private int maxRoomsPerSession = DEFAULT_MAX_ROOMS_PER_SESSION;
        private int maxRoomMembers = DEFAULT_MAX_ROOM_MEMBERS;

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

        public Builder roomLargeThreshold(int v) {
            this.roomLargeThreshold = (int) positive("roomLargeThreshold", v);
            return this;
        }

        public Builder roomBatchIntervalMs(long v) {
            this.roomBatchIntervalMs = positive("roomBatchIntervalMs", v);
            return this;
        }

        public Builder roomMetaIntervalMs(long v) {
            this.roomMetaIntervalMs = positive("roomMetaIntervalMs", v);
            return this;
        }

        public Builder typingTimeoutMs(long v) {
            this.typingTimeoutMs = positive("typingTimeoutMs", v);
            return this;
        }

        public Builder maxSignalsPerSecond(int v) {
            this.maxSignalsPerSecond = (int) positive("maxSignalsPerSecond", v);
            return this;
        }

        public Builder maxRoomsPerSession(int v) {
            this.maxRoomsPerSession = (int) positive("maxRoomsPerSession", v);
            return this;
        }

        public Builder maxRoomMembers(int v) {
            this.maxRoomMembers = (int) positive("maxRoomMembers", v);
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
