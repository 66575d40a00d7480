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

    /** @param meta compact JSON of an object, or {@code null} when the client gave none */
    record Join(String id, String room, String meta) implements ClientMessage {
        public String type() {
            return "join";
        }
    }

    record Leave(String id, String room) implements ClientMessage {
        public String type() {
            return "leave";
        }
    }

    /** @param meta compact JSON of an object; replaces the session's meta in the room */
    record RoomMeta(String id, String room, String meta) implements ClientMessage {
        public String type() {
            return "room_meta";
        }
    }

    /**
     * @param kind {@value #TYPING}, {@value #READ} or an app-defined kind
     * @param data compact JSON or {@code null}; for {@value #TYPING} always {@link #TYPING_ON} or {@link #TYPING_OFF}
     */
    record Signal(String id, String room, String kind, String data) implements ClientMessage {
        public static final String TYPING = "typing";
        public static final String READ = "read";
        public static final String TYPING_ON = "{\"typing\":true}";
        public static final String TYPING_OFF = "{\"typing\":false}";

        public String type() {
            return "signal";
        }

        /** Whether this is a typing signal that says the user stopped typing. */
        public boolean typingStopped() {
            return TYPING.equals(kind) && TYPING_OFF.equals(data);
        }
    }
}
