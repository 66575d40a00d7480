package io.beacon.presence;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link PresenceStore}: one map on this node; every future is complete on return.
 * Records of users who went offline stay (a few hundred bytes each) so their last seen and version
 * survive until the process ends.
 */
public final class InMemoryPresenceStore implements PresenceStore {
    private final ConcurrentHashMap<String, UserRecord> records = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<PresenceChange> update(String userId, PresenceUpdate update, long nowMillis) {
        PresenceChange[] change = new PresenceChange[1];
        records.compute(userId, (id, old) -> {
            UserRecord before = old == null ? UserRecord.empty(id) : old;
            UserRecord after = Aggregation.apply(before, update, nowMillis);
            change[0] = new PresenceChange(before.presence(), after.presence());
            return after;
        });
        return CompletableFuture.completedFuture(change[0]);
    }

    @Override
    public CompletableFuture<Presence> get(String userId) {
        UserRecord r = records.get(userId);
        return CompletableFuture.completedFuture(r == null ? Presence.unknown(userId) : r.presence());
    }

    @Override
    public CompletableFuture<Map<String, Presence>> getAll(Collection<String> userIds) {
        Map<String, Presence> out = new HashMap<>(userIds.size() * 2);
        for (String id : userIds) {
            UserRecord r = records.get(id);
            out.put(id, r == null ? Presence.unknown(id) : r.presence());
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletableFuture<Map<String, SessionRecord>> sessions(String userId) {
        UserRecord r = records.get(userId);
        return CompletableFuture.completedFuture(r == null ? Map.of() : r.sessions());
    }
}
