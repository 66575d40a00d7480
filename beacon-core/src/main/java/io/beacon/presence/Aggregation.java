package io.beacon.presence;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The presence rules of contract §2 as pure functions, shared by every {@link PresenceStore} so that
 * in-memory and Redis compute exactly the same presence.
 *
 * <p>Versions are {@code max(previous + 1, now in epoch ms)}: strictly increasing per user, and still
 * increasing after a restart that lost the in-memory versions, so clients that hold an old version
 * never drop a fresh update.
 *
 * <p>An invisible user's last seen stays where it was when they went invisible: ending their last
 * session while invisible must not tell anyone when they left.
 */
public final class Aggregation {
    private Aggregation() {
    }

    /**
     * Applies one update and recomputes the presence; bumps the version only when the presence changed.
     *
     * @param nowMillis wall-clock epoch ms (for last seen, expiries and the version floor)
     */
    public static UserRecord apply(UserRecord record, PresenceUpdate update, long nowMillis) {
        Map<String, SessionRecord> sessions = record.sessions();
        ManualStatus manual = record.manual();
        CustomStatus custom = record.customStatus();
        long lastSeen = record.lastSeen();
        boolean seeded = record.seeded();
        switch (update) {
            case PresenceUpdate.Seed seed -> {
                if (seeded) {
                    return record; // the store's copy is newer than the settings the caller read
                }
                // a record with sessions but never seeded (the settings could not be read, or the store
                // lost everything and another update came first) takes them now: an invisible user must
                // not show online just because a session got there before the settings
                seeded = true;
                manual = seed.manual();
                custom = seed.customStatus();
                lastSeen = Math.max(lastSeen, seed.lastSeen());
            }
            case PresenceUpdate.PutSession put -> {
                sessions = new HashMap<>(sessions);
                sessions.put(put.session().sessionId(), put.session());
            }
            case PresenceUpdate.RemoveSession remove -> {
                if (!sessions.containsKey(remove.sessionId())) {
                    return record;
                }
                sessions = new HashMap<>(sessions);
                sessions.remove(remove.sessionId());
                if (sessions.isEmpty() && manual != ManualStatus.INVISIBLE) {
                    lastSeen = Math.max(lastSeen, remove.endedAt());
                }
            }
            case PresenceUpdate.RemoveNode removeNode -> {
                Map<String, SessionRecord> kept = new HashMap<>();
                sessions.forEach((id, s) -> {
                    if (!s.nodeId().equals(removeNode.nodeId())) {
                        kept.put(id, s);
                    }
                });
                if (kept.size() == sessions.size()) {
                    return record;
                }
                sessions = kept;
                if (sessions.isEmpty() && manual != ManualStatus.INVISIBLE) {
                    lastSeen = Math.max(lastSeen, removeNode.endedAt());
                }
            }
            case PresenceUpdate.SetManual set -> manual = set.manual();
            case PresenceUpdate.SetCustomStatus set -> custom = set.customStatus();
            case PresenceUpdate.Refresh refresh -> {
            }
            case PresenceUpdate.Bump bump -> {
                long version = nextVersion(record.version(), nowMillis);
                return new UserRecord(record.userId(), sessions, manual, custom, lastSeen,
                        record.presence().withVersions(version, version), seeded);
            }
        }
        if (custom != null && custom.expiredAt(nowMillis)) {
            custom = null;
        }
        Presence before = record.presence();
        Presence computed = compute(record.userId(), sessions, manual, custom, lastSeen, nowMillis, before.version());
        if (before.publicStatus() == Status.ONLINE && computed.publicStatus() != Status.ONLINE
                && !sessions.isEmpty()) {
            // the effective status left online while sessions remain (idle, busy, invisible): last seen is now
            lastSeen = Math.max(lastSeen, nowMillis);
            computed = compute(record.userId(), sessions, manual, custom, lastSeen, nowMillis, before.version());
        }
        Presence after;
        if (computed.sameAs(before)) {
            after = before;
        } else {
            long version = nextVersion(before.version(), nowMillis);
            // what only the user sees (an invisible user's devices, activity) must not move the version others see
            long publicVersion = computed.samePublicView(before) ? before.publicVersion() : version;
            after = computed.withVersions(version, publicVersion);
        }
        return new UserRecord(record.userId(), sessions, manual, custom, lastSeen, after, seeded);
    }

    /** {@code max(previous + 1, nowMillis)}. */
    public static long nextVersion(long previous, long nowMillis) {
        return Math.max(previous + 1, nowMillis);
    }

    /** The presence of contract §2 for these inputs, with the given version. */
    public static Presence compute(String userId, Map<String, SessionRecord> sessions, ManualStatus manual,
                                   CustomStatus custom, long lastSeen, long nowMillis, long version) {
        if (sessions.isEmpty()) {
            return new Presence(userId, Status.OFFLINE, null, custom, lastSeen, null, List.of(), version,
                    manual == ManualStatus.INVISIBLE);
        }
        boolean anyActive = false;
        SessionRecord latestActivity = null;
        EnumMap<Device, Status> devices = new EnumMap<>(Device.class);
        for (SessionRecord s : sessions.values()) {
            anyActive |= !s.idle();
            Status deviceStatus = s.idle() ? Status.AWAY : Status.ONLINE;
            devices.merge(s.device(), deviceStatus, (a, b) -> a == Status.ONLINE || b == Status.ONLINE ? Status.ONLINE : Status.AWAY);
            if (s.hasActivityAt(nowMillis) && (latestActivity == null || s.activitySetAt() > latestActivity.activitySetAt())) {
                latestActivity = s;
            }
        }
        Status status = switch (manual) {
            case BUSY -> Status.BUSY;
            case AWAY -> Status.AWAY;
            case AUTO, INVISIBLE -> anyActive ? Status.ONLINE : Status.AWAY;
        };
        List<DeviceStatus> deviceList = new ArrayList<>(devices.size());
        devices.forEach((d, st) -> deviceList.add(new DeviceStatus(d, st)));
        return new Presence(userId, status, latestActivity == null ? null : latestActivity.activity(), custom, lastSeen,
                null, deviceList, version, manual == ManualStatus.INVISIBLE);
    }
}
