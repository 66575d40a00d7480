package io.beacon.engine;

/**
 * Counters and gauges of one engine, written by the engine thread only and readable from any thread
 * (metrics scrapes). Values read concurrently may be a moment old.
 */
public final class EngineStats {
    volatile int connections;
    volatile int sessions;
    volatile int onlineUsers;
    volatile int watchedUsers;
    volatile long presenceChanges;
    volatile long deliveries;
    volatile long resumes;
    volatile long expiredSessions;

    EngineStats() {
    }

    /** Open connections known to the engine, including those that have not said hello yet. */
    public int connections() {
        return connections;
    }

    /** Sessions on this node, live or inside their offline grace. */
    public int sessions() {
        return sessions;
    }

    /** Users with at least one live session on this node. */
    public int onlineUsers() {
        return onlineUsers;
    }

    /** Distinct users watched by local subscriptions. */
    public int watchedUsers() {
        return watchedUsers;
    }

    /** Presence changes this node published. */
    public long presenceChanges() {
        return presenceChanges;
    }

    /** Presence updates delivered to local subscribers. */
    public long deliveries() {
        return deliveries;
    }

    /** Sessions resumed inside the offline grace. */
    public long resumes() {
        return resumes;
    }

    /** Sessions dropped because no frame arrived within the session TTL. */
    public long expiredSessions() {
        return expiredSessions;
    }
}
