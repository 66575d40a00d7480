package io.beacon.protocol;

import io.beacon.presence.Device;
import io.beacon.presence.ManualStatus;
import java.util.List;

/**
 * A validated client → server message of protocol v1. {@link #id()} is the request id as raw JSON
 * (a string with its quotes, or an integer), echoed verbatim in the answer, or {@code null}.
 */
public sealed interface ClientMessage {
    String id();

    /** The type word as on the wire. */
    String type();

    /** @param device {@code null} when the client did not say (the token's claim or {@code other} applies) */
    record Hello(String id, String token, Device device, int protocol, String resume) implements ClientMessage {
        public String type() {
            return "hello";
        }
    }

    record Heartbeat(String id) implements ClientMessage {
        public String type() {
            return "heartbeat";
        }
    }

    /** {@code activity {state: active|idle}}. */
    record ActivityState(String id, boolean idle) implements ClientMessage {
        public String type() {
            return "activity";
        }
    }

    record SetStatus(String id, ManualStatus status) implements ClientMessage {
        public String type() {
            return "set_status";
        }
    }

    /** @param activity {@code null} clears; @param expiresAt epoch ms, 0 = never */
    record SetActivity(String id, String activity, long expiresAt) implements ClientMessage {
        public String type() {
            return "set_activity";
        }
    }

    /** @param emoji may be null; @param expiresAt epoch ms, 0 = never */
    record SetCustomStatus(String id, String text, String emoji, long expiresAt) implements ClientMessage {
        public String type() {
            return "set_custom_status";
        }
    }

    record ClearCustomStatus(String id) implements ClientMessage {
        public String type() {
            return "clear_custom_status";
        }
    }

    record Subscribe(String id, List<String> userIds) implements ClientMessage {
        public String type() {
            return "subscribe";
        }
    }

    record Unsubscribe(String id, List<String> userIds) implements ClientMessage {
        public String type() {
            return "unsubscribe";
        }
    }

    record Query(String id, List<String> userIds) implements ClientMessage {
        public String type() {
            return "query";
        }
    }

    /** A room message ({@code join}, {@code leave}, {@code room_meta}, {@code signal}) kept as raw JSON. */
    record RoomCommand(String id, String type, String room, String json) implements ClientMessage {
    }
}
