package io.beacon.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * One local session in one room: whether its join is done, and the meta it asked for, held back while
 * the coalescing window since its last write is open (latest wins). Engine-thread confined.
 */
final class RoomMembership {
    enum State {
        /** The join is being stored; meta is kept, a leave waits for the join to finish. */
        JOINING,
        /** In the room: stored, and a recipient of the room's diffs and signals. */
        JOINED,
        /** Left, or refused; nothing more happens. */
        GONE
    }

    final Session session;
    final LocalRoom room;
    State state = State.JOINING;
    /** When the join was stored (epoch ms), kept for storing it again after an outage. */
    long joinedAtMillis;
    /** The meta the session asked for last (compact JSON). */
    String meta;
    /** The meta last written to the store. */
    String writtenMeta;
    long lastMetaWriteNanos;
    /** Waiting in the room's meta queue until {@link #metaDue}. */
    boolean metaQueued;
    long metaDue;
    /** Request ids of joins answered by the snapshot once the join is stored. */
    List<String> answerIds = new ArrayList<>(1);
    /** A leave asked for while joining: done once the join is stored (or instead of storing it). */
    boolean leaveRequested;
    /** Request ids of those leaves, acked when the leave is done. */
    List<String> leaveIds = new ArrayList<>(1);
    /** The node id the join was sent under (null: not sent yet). */
    String storedNodeId;
    /** Set by a resync that met the join in flight: completes once the join is stored under the node's current id. */
    java.util.concurrent.CompletableFuture<Void> settled;

    RoomMembership(Session session, LocalRoom room, String meta) {
        this.session = session;
        this.room = room;
        this.meta = meta;
    }
}
