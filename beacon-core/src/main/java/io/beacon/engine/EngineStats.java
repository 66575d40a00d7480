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
    volatile int rooms;
    volatile int roomMembers;
    volatile long roomChanges;
    volatile long roomDiffs;
    volatile long roomReloads;
    volatile long signals;

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

    /** Rooms with local members on this node. */
    public int rooms() {
        return rooms;
    }

    /** Local sessions in rooms (a session in three rooms counts three times). */
    public int roomMembers() {
        return roomMembers;
    }

    /** Room changes this node stored and published. */
    public long roomChanges() {
        return roomChanges;
    }

    /** {@code room_snapshot} and {@code room_diff} messages sent to local members. */
    public long roomDiffs() {
        return roomDiffs;
    }

    /** Times this node found it had missed a room change and reloaded the room from the store. */
    public long roomReloads() {
        return roomReloads;
    }

    /** Signals delivered to local members. */
    public long signals() {
        return signals;
    }
}
