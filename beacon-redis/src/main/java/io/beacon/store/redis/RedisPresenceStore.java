package io.beacon.store.redis;

import io.beacon.presence.Aggregation;
import io.beacon.presence.Presence;
import io.beacon.presence.PresenceChange;
import io.beacon.presence.PresenceStore;
import io.beacon.presence.PresenceUpdate;
import io.beacon.presence.SessionRecord;
import io.beacon.presence.UserRecord;
import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomMember;
import io.beacon.rooms.RoomPage;
import io.beacon.rooms.RoomRecord;
import io.beacon.rooms.RoomState;
import io.beacon.rooms.RoomUpdate;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link PresenceStore} of cluster mode, on Redis (standalone or Redis Cluster).
 *
 * <table>
 *   <caption>Keys (every key of a user or room carries its id as a hash tag: one shard per user, per room)</caption>
 *   <tr><th>key</th><th>type</th><th>holds</th></tr>
 *   <tr><td>{@code beacon:{user}:user}</td><td>string</td><td>the user's {@link UserRecord} (sessions, durable inputs,
 *       presence and version); kept {@value #DEFAULT_OFFLINE_TTL_DAYS} days after the last session ends</td></tr>
 *   <tr><td>{@code beacon:{room}:room}</td><td>hash</td><td>{@code v}: the room's version, {@code seq}: the last member seq
 *       (kept a day after the room empties, so versions never go back)</td></tr>
 *   <tr><td>{@code beacon:{room}:members}</td><td>hash</td><td>user → member (sessions, meta, blocks)</td></tr>
 *   <tr><td>{@code beacon:{room}:order}</td><td>sorted set</td><td>user by seq: join order and paging</td></tr>
 *   <tr><td>{@code beacon:node:{node}:users}, {@code …:rooms}</td><td>set</td><td>the users and rooms a node holds
 *       sessions in: what to clean up when it dies (a room stays until the node's last session there left)</td></tr>
 * </table>
 *
 * <p>In a key, {@code %}, <code>{</code> and <code>}</code> of an id are escaped as {@code %25}, {@code %7B} and
 * {@code %7D}, so that an id cannot end its hash tag early.
 *
 * <p>The presence rules run here, in Java ({@link Aggregation}, {@link RoomRecord#memberAfter}), as in the
 * in-memory store: an update reads the record, computes the next one and writes it with a Lua
 * compare-and-set that fails if another node wrote in between (then it computes again from what is
 * there). So updates of one user from several nodes are serialized and none is lost, and a room's
 * version moves atomically with the member that changed. Heartbeats never come here.
 */
public final class RedisPresenceStore implements PresenceStore {
    public static final long DEFAULT_OFFLINE_TTL_DAYS = 7;
    private static final long OFFLINE_TTL_MS = DEFAULT_OFFLINE_TTL_DAYS * 24 * 3600 * 1000;
    private static final long EMPTY_ROOM_TTL_MS = 24 * 3600 * 1000L;
    private static final int MAX_ATTEMPTS = 50;

    private final RedisConnection connection;
    private final RedisClusterAsyncCommands<String, String> redis;
    /**
     * The last update in flight per user (and per room member) on this node: the next one starts when it
     * is done. Updates from one node then never race each other (they keep their order, and the
     * compare-and-set only meets other nodes' writes); the entry goes when nothing is in flight.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<?>> inFlight = new java.util.concurrent.ConcurrentHashMap<>();

    public RedisPresenceStore(RedisConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.redis = connection.commands();
    }

    static String userKey(String userId) {
        return "beacon:{" + tag(userId) + "}:user";
    }

    static String nodeUsersKey(String nodeId) {
        return "beacon:node:{" + tag(nodeId) + "}:users";
    }

    static String nodeRoomsKey(String nodeId) {
        return "beacon:node:{" + tag(nodeId) + "}:rooms";
    }

    private static String[] roomKeys(String room) {
        String prefix = "beacon:{" + tag(room) + "}:";
        return new String[] {prefix + "room", prefix + "members", prefix + "order"};
    }

    /**
     * An id as a hash tag: braces would end the tag early (and a leading {@code }} would leave it
     * empty, scattering one room's keys over shards), so they are escaped, as is the escape character.
     */
    static String tag(String id) {
        if (id.indexOf('{') < 0 && id.indexOf('}') < 0 && id.indexOf('%') < 0) {
            return id;
        }
        return id.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
    }

    // ------------------------------------------------------------------ users

    @Override
    public CompletableFuture<PresenceChange> update(String userId, PresenceUpdate update, long nowMillis) {
        return serialized(userKey(userId), () -> redis.get(userKey(userId)).toCompletableFuture()
                .thenCompose(raw -> updateFrom(userId, raw == null ? "" : raw, update, nowMillis, 1)));
    }

    /** Runs {@code work} after the previous work on {@code key} from this node is done. */
    private <T> CompletableFuture<T> serialized(String key, java.util.function.Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<?> previous = inFlight.put(key, result);
        CompletableFuture<?> before = previous == null ? CompletableFuture.completedFuture(null) : previous;
        before.handle((v, e) -> null).thenCompose(v -> work.get()).whenComplete((value, failure) -> {
            inFlight.remove(key, result);
            if (failure != null) {
                connection.failed(); // the node repairs: what it meant to store is stored again
                result.completeExceptionally(failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : failure);
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    private CompletableFuture<PresenceChange> updateFrom(String userId, String raw, PresenceUpdate update, long nowMillis, int attempt) {
        UserRecord before = raw.isEmpty() ? UserRecord.empty(userId) : RedisJson.user(raw);
        UserRecord after = Aggregation.apply(before, update, nowMillis);
        PresenceChange change = new PresenceChange(before.presence(), after.presence());
        if (after.equals(before)) {
            return CompletableFuture.completedFuture(change);
        }
        Set<String> nodesBefore = nodes(before);
        Set<String> nodesAfter = nodes(after);
        List<CompletableFuture<?>> added = new ArrayList<>();
        for (String n : nodesAfter) {
            if (!nodesBefore.contains(n)) {
                added.add(redis.sadd(nodeUsersKey(n), userId).toCompletableFuture()); // before the record: a superset at worst
            }
        }
        String ttl = after.sessions().isEmpty() ? Long.toString(OFFLINE_TTL_MS) : "0";
        CompletableFuture<List<Object>> cas = CompletableFuture.allOf(added.toArray(CompletableFuture[]::new))
                .thenCompose(v -> Script.USER_CAS.run(redis, ScriptOutputType.MULTI, new String[] {userKey(userId)}, raw, RedisJson.user(after), ttl));
        return cas.thenCompose(result -> {
            if (((Number) result.get(0)).longValue() == 1) {
                for (String n : nodesBefore) {
                    if (!nodesAfter.contains(n)) {
                        redis.srem(nodeUsersKey(n), userId);
                    }
                }
                return CompletableFuture.completedFuture(change);
            }
            if (attempt >= MAX_ATTEMPTS) {
                return CompletableFuture.failedFuture(new IllegalStateException("user " + userId + " changed under " + attempt + " attempts"));
            }
            return updateFrom(userId, (String) result.get(1), update, nowMillis, attempt + 1);
        });
    }

    private static Set<String> nodes(UserRecord r) {
        Set<String> out = new HashSet<>(2);
        for (SessionRecord s : r.sessions().values()) {
            out.add(s.nodeId());
        }
        return out;
    }

    @Override
    public CompletableFuture<Presence> get(String userId) {
        return redis.get(userKey(userId)).toCompletableFuture()
                .thenApply(raw -> raw == null ? Presence.unknown(userId) : RedisJson.user(raw).presence());
    }

    @Override
    public CompletableFuture<Map<String, Presence>> getAll(Collection<String> userIds) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(userIds));
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        String[] keys = new String[ids.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = userKey(ids.get(i));
        }
        return redis.mget(keys).toCompletableFuture().thenApply(values -> {
            Map<String, Presence> out = new HashMap<>(ids.size() * 2);
            for (int i = 0; i < ids.size(); i++) {
                KeyValue<String, String> kv = values.get(i);
                out.put(ids.get(i), kv.hasValue() ? RedisJson.user(kv.getValue()).presence() : Presence.unknown(ids.get(i)));
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<Map<String, SessionRecord>> sessions(String userId) {
        return redis.get(userKey(userId)).toCompletableFuture()
                .thenApply(raw -> raw == null ? Map.of() : RedisJson.user(raw).sessions());
    }

    // ------------------------------------------------------------------ rooms

    @Override
    public CompletableFuture<RoomChange> updateRoom(String room, RoomUpdate update, long nowMillis) {
        if (update instanceof RoomUpdate.RemoveNode rn) {
            return removeNode(room, rn.nodeId(), nowMillis);
        }
        String userId = RoomUpdate.member(update);
        // indexed before the member is stored (a superset at worst), and dropped only by nodeLeftRoom
        CompletableFuture<?> indexed = update instanceof RoomUpdate.Join j
                ? redis.sadd(nodeRoomsKey(j.session().nodeId()), room).toCompletableFuture() : CompletableFuture.completedFuture(null);
        String[] keys = roomKeys(room);
        return serialized(keys[1] + "|" + userId, () -> indexed.thenCompose(v -> redis.hget(keys[1], userId).toCompletableFuture())
                .thenCompose(raw -> memberFrom(room, userId, raw == null ? "" : raw, update, nowMillis, 1)));
    }

    private CompletableFuture<RoomChange> memberFrom(String room, String userId, String raw, RoomUpdate update, long nowMillis, int attempt) {
        RoomMember old = raw.isEmpty() ? null : RedisJson.member(raw, 1); // its seq is not needed to compute the next one
        RoomMember next = RoomRecord.memberAfter(old, update, 1);
        int max = update instanceof RoomUpdate.Join j ? j.maxMembers() : Integer.MAX_VALUE;
        return member(room, userId, raw, next, max, nowMillis).thenCompose(r -> {
            if (r.status.equals("retry")) {
                if (attempt >= MAX_ATTEMPTS) {
                    return CompletableFuture.failedFuture(new IllegalStateException(
                            "member " + userId + " of room " + room + " changed under " + attempt + " attempts"));
                }
                return memberFrom(room, userId, r.current, update, nowMillis, attempt + 1);
            }
            return CompletableFuture.completedFuture(r.change(room, userId, next));
        });
    }

    /** What one member compare-and-set did. */
    private record MemberResult(String status, String current, long since, long version, int count, long seq) {
        RoomChange change(String room, String userId, RoomMember next) {
            return switch (status) {
                case "full" -> RoomChange.none(room, RoomChange.Outcome.ROOM_FULL, version, count);
                case "same" -> RoomChange.none(room, RoomChange.Outcome.UNCHANGED, version, count);
                default -> next == null
                        ? new RoomChange(room, RoomChange.Outcome.CHANGED, since, version, count, List.of(), List.of(userId))
                        : new RoomChange(room, RoomChange.Outcome.CHANGED, since, version, count,
                                List.of(new RoomMember(userId, seq, next.blocks(), next.sessions())), List.of());
            };
        }
    }

    private CompletableFuture<MemberResult> member(String room, String userId, String expected, RoomMember next, int max, long nowMillis) {
        CompletableFuture<List<Object>> run = Script.ROOM_MEMBER.run(redis, ScriptOutputType.MULTI, roomKeys(room), userId, expected,
                next == null ? "" : RedisJson.member(next), Integer.toString(max), Long.toString(nowMillis), Long.toString(EMPTY_ROOM_TTL_MS));
        return run.thenApply(r -> new MemberResult((String) r.get(0), (String) r.get(1), num(r.get(2)), num(r.get(3)),
                (int) num(r.get(4)), num(r.get(5))));
    }

    /**
     * A dead node's sessions leave the room, member by member; one change from the first version to
     * the last when nothing else changed the room in between, else one that makes every node read the
     * room again (its {@code since} matches no version).
     */
    private CompletableFuture<RoomChange> removeNode(String room, String nodeId, long nowMillis) {
        String[] keys = roomKeys(room);
        return connection.noting(redis.hgetall(keys[1]).toCompletableFuture()).thenCompose(all -> {
            CompletableFuture<RoomChange> chain = CompletableFuture.completedFuture(null);
            List<RoomChange> changes = new ArrayList<>();
            for (Map.Entry<String, String> e : all.entrySet()) {
                RoomMember m = RedisJson.member(e.getValue(), 1);
                if (RoomRecord.withoutNode(m, nodeId) == m) {
                    continue;
                }
                chain = chain.thenCompose(x -> removeNodeFrom(room, e.getKey(), e.getValue(), nodeId, nowMillis, 1)).thenApply(c -> {
                    if (c.changed()) {
                        changes.add(c);
                    }
                    return c;
                });
            }
            return chain.thenCompose(x -> changes.isEmpty() ? room(room).thenApply(s ->
                    RoomChange.none(room, RoomChange.Outcome.UNCHANGED, s.version(), s.count())) : CompletableFuture.completedFuture(merge(room, changes)));
        });
    }

    private CompletableFuture<RoomChange> removeNodeFrom(String room, String userId, String raw, String nodeId, long nowMillis, int attempt) {
        RoomMember m = raw.isEmpty() ? null : RedisJson.member(raw, 1);
        RoomMember next = m == null ? null : RoomRecord.withoutNode(m, nodeId);
        if (m == null || next == m) {
            return CompletableFuture.completedFuture(RoomChange.none(room, RoomChange.Outcome.UNCHANGED, 0, 0));
        }
        return member(room, userId, raw, next, Integer.MAX_VALUE, nowMillis).thenCompose(r -> {
            if (r.status.equals("retry")) {
                if (attempt >= MAX_ATTEMPTS) {
                    return CompletableFuture.failedFuture(new IllegalStateException(
                            "member " + userId + " of room " + room + " changed under " + attempt + " attempts"));
                }
                return removeNodeFrom(room, userId, r.current, nodeId, nowMillis, attempt + 1);
            }
            return CompletableFuture.completedFuture(r.change(room, userId, next));
        });
    }

    /**
     * Several changes of one room, in order, as one: from the first's {@code since} to the last's
     * version when they follow each other; when another change came in between (a join elsewhere),
     * {@code since} is -1 — no node holds that version, so each reads the room again.
     */
    static RoomChange merge(String room, List<RoomChange> changes) {
        Map<String, RoomMember> up = new java.util.LinkedHashMap<>();
        Set<String> removed = new LinkedHashSet<>();
        boolean contiguous = true;
        long previous = changes.get(0).since();
        for (RoomChange c : changes) {
            contiguous &= c.since() == previous;
            previous = c.version();
            for (RoomMember m : c.upserted()) {
                up.put(m.userId(), m);
                removed.remove(m.userId());
            }
            for (String u : c.removed()) {
                up.remove(u);
                removed.add(u);
            }
        }
        RoomChange last = changes.get(changes.size() - 1);
        return new RoomChange(room, RoomChange.Outcome.CHANGED, contiguous ? changes.get(0).since() : -1, last.version(), last.count(),
                new ArrayList<>(up.values()), new ArrayList<>(removed));
    }

    @Override
    public void nodeLeftRoom(String room, String nodeId) {
        connection.noting(redis.srem(nodeRoomsKey(nodeId), room).toCompletableFuture());
    }

    @Override
    public CompletableFuture<RoomState> room(String room) {
        CompletableFuture<List<Object>> run = Script.ROOM_READ.run(redis, ScriptOutputType.MULTI, roomKeys(room));
        return run.thenApply(r -> {
            long version = num(r.get(0));
            @SuppressWarnings("unchecked")
            List<Object> order = (List<Object>) r.get(1);
            @SuppressWarnings("unchecked")
            List<Object> all = (List<Object>) r.get(2);
            Map<String, String> byUser = new HashMap<>(all.size());
            for (int i = 0; i + 1 < all.size(); i += 2) {
                byUser.put((String) all.get(i), (String) all.get(i + 1));
            }
            List<RoomMember> members = new ArrayList<>(order.size() / 2);
            for (int i = 0; i + 1 < order.size(); i += 2) {
                String user = (String) order.get(i);
                String json = byUser.get(user);
                if (json != null) {
                    members.add(RedisJson.member(json, (long) Double.parseDouble((String) order.get(i + 1))));
                }
            }
            return new RoomState(room, version, members);
        });
    }

    @Override
    public CompletableFuture<RoomPage> roomMembers(String room, long afterSeq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        CompletableFuture<List<Object>> run = Script.ROOM_PAGE.run(redis, ScriptOutputType.MULTI, roomKeys(room),
                Long.toString(Math.max(0, afterSeq)), Integer.toString(limit));
        return run.thenApply(r -> {
            long version = num(r.get(0));
            int count = (int) num(r.get(1));
            @SuppressWarnings("unchecked")
            List<Object> page = (List<Object>) r.get(2);
            @SuppressWarnings("unchecked")
            List<Object> json = (List<Object>) r.get(3);
            List<RoomMember> members = new ArrayList<>();
            long next = 0;
            for (int i = 0, j = 0; i + 1 < page.size(); i += 2, j++) {
                long seq = (long) Double.parseDouble((String) page.get(i + 1));
                if (members.size() == limit) {
                    next = members.get(members.size() - 1).seq();
                    break;
                }
                Object m = json.get(j);
                if (m != null) {
                    members.add(RedisJson.member((String) m, seq));
                }
            }
            return new RoomPage(room, version, count, members, next);
        });
    }

    private static long num(Object o) {
        if (o == null) {
            return 0;
        }
        if (o instanceof Number n) {
            return n.longValue();
        }
        String s = o.toString();
        return s.isEmpty() ? 0 : (long) Double.parseDouble(s);
    }
}
