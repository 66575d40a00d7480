package io.beacon.engine;

import io.beacon.time.TokenBucket;
import java.util.HashMap;
import java.util.Map;

/**
 * The rooms one session is in, and its signal budget. Allocated on the first join, so a session that
 * never joins a room pays one null field. Engine-thread confined.
 */
final class SessionRooms {
    final Map<String, RoomMembership> byRoom = new HashMap<>(4);
    final TokenBucket signals;

    SessionRooms(TokenBucket signals) {
        this.signals = signals;
    }
}
