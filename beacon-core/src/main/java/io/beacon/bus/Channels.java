package io.beacon.bus;

/**
 * Channel names. Per-user channels carry the user id in a Redis Cluster hash tag ({@code {…}}) so a
 * user's keys and channel live on one shard.
 */
public final class Channels {
    private Channels() {
    }

    /**
     * Every user's settings changes, heard by every node: each empties its settings cache for the user
     * and refreshes the user's room memberships it holds. Low traffic: one message per backend write.
     */
    public static String settings() {
        return "beacon:settings";
    }

    public static String presence(String userId) {
        return "beacon:presence:{" + userId + "}";
    }

    public static String user(String userId) {
        return "beacon:user:{" + userId + "}";
    }

    /** A room's changes and signals; the room id is the hash tag, so a room lives on one shard. */
    public static String room(String roomId) {
        return "beacon:room:{" + roomId + "}";
    }
}
