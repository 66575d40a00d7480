package io.beacon.bench.peers.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The presence model on MQTT, as plain functions: user {@code i} is client {@code u<i>}; its presence is
 * the retained message on {@code presence/u<i>}, {@code online:<token>} while connected (empty token
 * when there is none) and {@code offline} after a clean logout or when the broker fires its will.
 */
public final class MqttPresence {
    /** Topic prefix of every presence topic. */
    public static final String TOPIC_PREFIX = "presence/u";
    public static final String ONLINE = "online";
    public static final String ONLINE_PREFIX = "online:";
    public static final String OFFLINE = "offline";

    private MqttPresence() {
    }

    /** One parsed presence message. {@code token} is {@code null} when the message carries none. */
    public record Update(int user, boolean online, String token) {
    }

    public static String clientId(int user) {
        return "u" + user;
    }

    public static String topic(int user) {
        return TOPIC_PREFIX + user;
    }

    /** {@code online:<token>}; a {@code null} token is sent as {@code online:}. */
    public static byte[] onlinePayload(String token) {
        return (ONLINE_PREFIX + (token == null ? "" : token)).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] offlinePayload() {
        return OFFLINE.getBytes(StandardCharsets.UTF_8);
    }

    /** The user of a presence topic, or {@code -1} when the topic is not {@code presence/u<digits>}. */
    public static int userOf(String topic) {
        Objects.requireNonNull(topic, "topic");
        int start = TOPIC_PREFIX.length();
        if (!topic.startsWith(TOPIC_PREFIX) || topic.length() == start || topic.length() - start > 9) {
            return -1;
        }
        int user = 0;
        for (int i = start; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            user = user * 10 + (c - '0');
        }
        return user;
    }

    /**
     * Parses a presence message: online when the payload starts with {@code online}; the token is the
     * text after {@code online:} ({@code null} when absent or empty). Returns {@code null} when the topic
     * is not a presence topic.
     */
    public static Update parse(String topic, String payload) {
        int user = userOf(topic);
        if (user < 0) {
            return null;
        }
        boolean online = payload.startsWith(ONLINE);
        String token = null;
        if (online && payload.startsWith(ONLINE_PREFIX) && payload.length() > ONLINE_PREFIX.length()) {
            token = payload.substring(ONLINE_PREFIX.length());
        }
        return new Update(user, online, token);
    }

    /**
     * The keepalive (seconds) that makes the broker drop a silent client after about {@code sessionTtl}:
     * brokers allow 1.5 × keepalive of silence, so {@code round(ttl / 1.5)}, at least 1 (0 would disable
     * the keepalive) and at most 65535.
     */
    public static int keepAliveSeconds(java.time.Duration sessionTtl) {
        long k = Math.round(sessionTtl.toMillis() / 1500.0);
        return (int) Math.max(1, Math.min(65_535, k));
    }
}
