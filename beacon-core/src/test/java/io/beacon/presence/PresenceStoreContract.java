package io.beacon.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomMember;
import io.beacon.rooms.RoomPage;
import io.beacon.rooms.RoomSession;
import io.beacon.rooms.RoomState;
import io.beacon.rooms.RoomUpdate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PresenceStore} promises (its Javadoc and contract §2), as one suite that
 * each implementation's test extends with {@link #newStore()}.
 *
 * <p>Implementation-neutral: only the interface is used, futures are awaited with a timeout (they may
 * complete on any thread), and every test works on user ids unique to the test so that a store backed
 * by shared state (Redis) needs no flush between tests.
 */
public abstract class PresenceStoreContract extends io.beacon.testing.StoreContract<PresenceStore> {

    /** A fixed wall clock (epoch ms) the tests move by hand. */
    protected static final long NOW = 1_700_000_000_000L;

    /** How long a test waits for one future of the store. */

    /**
     * Sessions each of 8 threads adds to one user in {@link #concurrentPutSessionsOfOneUserLoseNothing}.
     * A store that keeps a user's sessions in one record pays O(sessions) per update (a real user has a
     * few); such a store may use fewer than 4,000 in all.
     */
    protected int sessionsPerThreadOfOneUser() {
        return 500;
    }

    protected PresenceChange apply(String userId, PresenceUpdate update, long nowMillis) {
        return apply(store, userId, update, nowMillis);
    }

    protected static PresenceChange apply(PresenceStore s, String userId, PresenceUpdate update, long nowMillis) {
        PresenceChange change = await(s.update(userId, update, nowMillis));
        assertThat(change).isNotNull();
        assertThat(change.userId()).isEqualTo(userId);
        return change;
    }

    protected Presence get(String userId) {
        return await(store.get(userId));
    }

    protected static SessionRecord session(String sessionId, String nodeId, Device device, boolean idle) {
        return new SessionRecord(sessionId, nodeId, device, idle, NOW, null, 0, 0);
    }

    protected static SessionRecord active(String sessionId, Device device) {
        return session(sessionId, "node-a", device, false);
    }

    protected static SessionRecord idle(String sessionId, Device device) {
        return session(sessionId, "node-a", device, true);
    }

    protected static PresenceUpdate put(SessionRecord s) {
        return new PresenceUpdate.PutSession(s);
    }

    /** Asserts that the update changed the presence: a strictly greater version, and get() agrees. */
    private PresenceChange assertChanged(String userId, PresenceChange change) {
        assertThat(change.changed()).as("changed()").isTrue();
        assertThat(change.after().version()).isGreaterThan(change.before().version());
        assertThat(get(userId)).isEqualTo(change.after());
        return change;
    }

    /** Asserts that the update changed nothing: same presence, same version, and get() agrees. */
    private void assertUnchanged(String userId, PresenceChange change, Presence expected) {
        assertThat(change.changed()).as("changed()").isFalse();
        assertThat(change.before()).isEqualTo(expected);
        assertThat(change.after()).isEqualTo(expected);
        assertThat(get(userId)).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ unknown users

    @Test
    public void unknownUserIsUnknownOfflineAtVersionZero() {
        String u = user("nobody");

        Presence p = get(u);

        assertThat(p).isEqualTo(Presence.unknown(u));
        assertThat(p.status()).isEqualTo(Status.OFFLINE);
        assertThat(p.publicStatus()).isEqualTo(Status.OFFLINE);
        assertThat(p.version()).isZero();
        assertThat(p.lastSeen()).isZero();
        assertThat(p.devices()).isEmpty();
        assertThat(p.invisible()).isFalse();
        assertThat(await(store.sessions(u))).isEmpty();
    }

    @Test
    public void firstUpdateOfAnUnknownUserStartsFromUnknown() {
        String u = user("alice");

        PresenceChange c = apply(u, put(active("s1", Device.WEB)), NOW);

        assertThat(c.before()).isEqualTo(Presence.unknown(u));
    }

    // ------------------------------------------------------------------ sessions

    @Test
    public void putSessionMakesTheUserOnlineWithItsDevice() {
        String u = user("alice");

        PresenceChange c = assertChanged(u, apply(u, put(active("s1", Device.WEB)), NOW));

        Presence p = c.after();
        assertThat(p.userId()).isEqualTo(u);
        assertThat(p.status()).isEqualTo(Status.ONLINE);
        assertThat(p.publicStatus()).isEqualTo(Status.ONLINE);
        assertThat(p.invisible()).isFalse();
        assertThat(p.devices()).containsExactly(new DeviceStatus(Device.WEB, Status.ONLINE));
        assertThat(p.activity()).isNull();
        assertThat(p.customStatus()).isNull();
        assertThat(p.lastSeen()).isZero();
        assertThat(p.version()).isGreaterThan(0);
    }

    @Test
    public void putSessionWithTheSameIdReplacesTheSession() {
        String u = user("alice");
        apply(u, put(active("s1", Device.WEB)), NOW);

        PresenceChange c = assertChanged(u, apply(u, put(idle("s1", Device.WEB)), NOW + 1));

        assertThat(c.after().status()).isEqualTo(Status.AWAY);
        assertThat(c.after().devices()).containsExactly(new DeviceStatus(Device.WEB, Status.AWAY));
        assertThat(await(store.sessions(u))).containsOnlyKeys("s1");
        assertThat(await(store.sessions(u)).get("s1").idle()).isTrue();
    }

    @Test
    public void removingTheLastSessionMakesTheUserOfflineWithLastSeenEqualToEndedAt() {
        String u = user("alice");
        apply(u, put(active("s1", Device.WEB)), NOW);

        PresenceChange c = assertChanged(u, apply(u, new PresenceUpdate.RemoveSession("s1", NOW + 5_000), NOW + 6_000));

        Presence p = c.after();
        assertThat(p.status()).isEqualTo(Status.OFFLINE);
        assertThat(p.publicStatus()).isEqualTo(Status.OFFLINE);
        assertThat(p.lastSeen()).isEqualTo(NOW + 5_000);
        assertThat(p.devices()).isEmpty();
        assertThat(p.activity()).isNull();
        assertThat(await(store.sessions(u))).isEmpty();
    }

    @Test
    public void removingOneOfSeveralSessionsKeepsTheUserOnline() {
        String u = user("alice");
        apply(u, put(active("s1", Device.WEB)), NOW);
        apply(u, put(active("s2", Device.MOBILE)), NOW);

        PresenceChange c = assertChanged(u, apply(u, new PresenceUpdate.RemoveSession("s1", NOW + 10), NOW + 10));

        assertThat(c.after().status()).isEqualTo(Status.ONLINE);
        assertThat(c.after().devices()).containsExactly(new DeviceStatus(Device.MOBILE, Status.ONLINE));
        assertThat(c.after().lastSeen()).isZero();
        assertThat(await(store.sessions(u))).containsOnlyKeys("s2");
    }

    @Test
    public void lastSeenNeverMovesBackWhenTheLastSessionEnds() {
        String u = user("alice");
        apply(u, put(active("s1", Device.WEB)), NOW);
        apply(u, new PresenceUpdate.RemoveSession("s1", NOW + 5_000), NOW + 5_000);
        apply(u, put(active("s2", Device.WEB)), NOW + 6_000);

        // an end reported late, with an older timestamp
        Presence p = apply(u, new PresenceUpdate.RemoveSession("s2", NOW + 1_000), NOW + 7_000).after();

        assertThat(p.status()).isEqualTo(Status.OFFLINE);
        assertThat(p.lastSeen()).isEqualTo(NOW + 5_000);
    }

    @Test
    public void sessionsReturnsTheStoredRecordsById() {
        String u = user("alice");
        SessionRecord s1 = new SessionRecord("s1", "node-a", Device.WEB, false, NOW, "in_call", NOW + 1, NOW + 60_000);
        SessionRecord s2 = new SessionRecord("s2", "node-b", Device.MOBILE, true, NOW + 2, null, 0, 0);
        apply(u, put(s1), NOW + 3);
        apply(u, put(s2), NOW + 3);

        assertThat(await(store.sessions(u))).isEqualTo(Map.of("s1", s1, "s2", s2));

        apply(u, new PresenceUpdate.RemoveSession("s1", NOW + 4), NOW + 4);
        assertThat(await(store.sessions(u))).isEqualTo(Map.of("s2", s2));
        assertThat(await(store.sessions(user("other")))).isEmpty();
    }

    // ------------------------------------------------------------------ versions

    @Test
    public void versionStrictlyIncreasesOnEveryChange() {
        String u = user("alice");
        List<PresenceUpdate> updates = List.of(
                put(active("s1", Device.WEB)),
                put(idle("s2", Device.MOBILE)),
                put(idle("s1", Device.WEB)),
                new PresenceUpdate.SetManual(ManualStatus.BUSY),
                new PresenceUpdate.SetCustomStatus(new CustomStatus("lunch", "🍔", 0)),
                new PresenceUpdate.SetManual(ManualStatus.INVISIBLE),
                new PresenceUpdate.SetManual(ManualStatus.AUTO),
                new PresenceUpdate.SetCustomStatus(null),
                new PresenceUpdate.RemoveSession("s2", NOW + 100),
                new PresenceUpdate.RemoveSession("s1", NOW + 100));
        Presence previous = get(u);
        for (PresenceUpdate update : updates) {
            // the same clock for every update: the version must still grow
            PresenceChange c = apply(u, update, NOW);
            assertThat(c.before()).as("before of %s", update).isEqualTo(previous);
            assertThat(c.changed()).as("changed() of %s", update).isTrue();
            assertThat(c.after().version()).as("version after %s", update).isGreaterThan(previous.version());
            previous = c.after();
        }
        assertThat(get(u)).isEqualTo(previous);
    }

    @Test
    public void puttingTheSameSessionRecordTwiceChangesNothing() {
        String u = user("alice");
        SessionRecord s = active("s1", Device.WEB);
        Presence first = apply(u, put(s), NOW).after();

        assertUnchanged(u, apply(u, put(s), NOW + 1_000), first);
    }

    @Test
    public void aSecondSessionThatChangesNothingVisibleKeepsTheVersion() {
        String u = user("alice");
        Presence first = apply(u, put(active("s1", Device.WEB)), NOW).after();

        assertUnchanged(u, apply(u, put(active("s2", Device.WEB)), NOW + 1_000), first);
        assertThat(await(store.sessions(u))).containsOnlyKeys("s1", "s2");
    }

    @Test
    public void removingAnUnknownSessionChangesNothing() {
        String u = user("alice");
        Presence first = apply(u, put(active("s1", Device.WEB)), NOW).after();

        assertUnchanged(u, apply(u, new PresenceUpdate.RemoveSession("nope", NOW + 10), NOW + 10), first);
        assertThat(await(store.sessions(u))).containsOnlyKeys("s1");
    }

    @Test
    public void removingASessionOfAnUnknownUserLeavesItUnknown() {
        String u = user("ghost");

        PresenceChange c = apply(u, new PresenceUpdate.RemoveSession("s1", NOW), NOW);

        assertThat(c.changed()).isFalse();
        assertThat(c.after()).isEqualTo(Presence.unknown(u));
        assertThat(get(u)).isEqualTo(Presence.unknown(u));
    }

    @Test
    public void refreshWithNothingExpiredChangesNothing() {
        String u = user("alice");
        apply(u, put(active("s1", Device.WEB).withActivity("in_call", NOW, NOW + 60_000)), NOW);
        Presence p = apply(u, new PresenceUpdate.SetCustomStatus(new CustomStatus("lunch", null, NOW + 60_000)), NOW).after();

        assertUnchanged(u, apply(u, new PresenceUpdate.Refresh(), NOW + 59_999), p);
    }

    @Test
    public void settingTheCurrentManualStatusAgainChangesNothing() {
        String u = user("alice");
        apply(u, put(active("s1", Device.WEB)), NOW);
        Presence busy = apply(u, new PresenceUpdate.SetManual(ManualStatus.BUSY), NOW).after();

        assertUnchanged(u, apply(u, new PresenceUpdate.SetManual(ManualStatus.BUSY), NOW + 10), busy);
    }

    @Test
    public void versionIsAtLeastTheWallClock() {
        String u = user("alice");

        Presence p = apply(u, put(active("s1", Device.WEB)), NOW).after();
        assertThat(p.version()).isGreaterThanOrEqualTo(NOW);

        Presence later = apply(u, put(idle("s1", Device.WEB)), NOW + 60_000).after();
        assertThat(later.version()).isGreaterThanOrEqualTo(NOW + 60_000);
    }

    @Test
    public void versionKeepsGrowingWhenTheClockGoesBack() {
        String u = user("alice");
        Presence p = apply(u, put(active("s1", Device.WEB)), NOW + 60_000).after();

        Presence q = apply(u, put(idle("s1", Device.WEB)), NOW).after();

        assertThat(q.version()).isGreaterThan(p.version());
    }

    @Test
    public void versionsKeepGrowingAfterARestartThatLostThem() {
        String u = user("alice");
        Presence before = apply(u, put(active("s1", Device.WEB)), NOW).after();
        store.close();

        store = newStore();
        apply(u, put(active("s1", Device.WEB)), NOW + 1_000);
        Presence afterIdle = apply(u, put(idle("s1", Device.WEB)), NOW + 1_000).after();

        // whether the new store kept the record or not, a client holding the old version takes the new one
        assertThat(afterIdle.version()).isGreaterThan(before.version());
        assertThat(afterIdle.version()).isGreaterThanOrEqualTo(NOW + 1_000);
    }

    // ------------------------------------------------------------------ aggregation

    @Test
    public void multiDeviceAggregationReportsEachDeviceInDeviceOrder() {
        String u = user("alice");
        apply(u, put(idle("m1", Device.MOBILE)), NOW);
        apply(u, put(active("w1", Device.WEB)), NOW);
        Presence p = apply(u, put(idle("d1", Device.DESKTOP)), NOW).after();

        assertThat(p.status()).isEqualTo(Status.ONLINE);
        assertThat(p.devices()).containsExactly(
                new DeviceStatus(Device.WEB, Status.ONLINE),
                new DeviceStatus(Device.DESKTOP, Status.AWAY),
                new DeviceStatus(Device.MOBILE, Status.AWAY));
    }

    @Test
    public void aDeviceIsOnlineWhenAnyOfItsSessionsIsActive() {
        String u = user("alice");
        apply(u, put(idle("w1", Device.WEB)), NOW);
        Presence p = apply(u, put(active("w2", Device.WEB)), NOW).after();

        assertThat(p.devices()).containsExactly(new DeviceStatus(Device.WEB, Status.ONLINE));
        assertThat(p.status()).isEqualTo(Status.ONLINE);
    }

    @Test
    public void everySessionIdleMeansAway() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB)), NOW);
        apply(u, put(idle("m1", Device.MOBILE)), NOW);

        Presence p = apply(u, put(idle("w1", Device.WEB)), NOW + 1_000).after();

        assertThat(p.status()).isEqualTo(Status.AWAY);
        assertThat(p.publicStatus()).isEqualTo(Status.AWAY);
        assertThat(p.devices()).containsExactly(
                new DeviceStatus(Device.WEB, Status.AWAY),
                new DeviceStatus(Device.MOBILE, Status.AWAY));
    }

    @Test
    public void becomingActiveAgainMakesTheUserOnline() {
        String u = user("alice");
        apply(u, put(idle("w1", Device.WEB)), NOW);

        Presence p = apply(u, put(active("w1", Device.WEB)), NOW + 1_000).after();

        assertThat(p.status()).isEqualTo(Status.ONLINE);
    }

    @Test
    public void leavingOnlineWhileSessionsRemainSetsLastSeenToNow() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB)), NOW);

        Presence away = apply(u, put(idle("w1", Device.WEB)), NOW + 1_000).after();
        assertThat(away.status()).isEqualTo(Status.AWAY);
        assertThat(away.lastSeen()).isEqualTo(NOW + 1_000);

        apply(u, put(active("w1", Device.WEB)), NOW + 2_000);
        Presence busy = apply(u, new PresenceUpdate.SetManual(ManualStatus.BUSY), NOW + 3_000).after();
        assertThat(busy.lastSeen()).isEqualTo(NOW + 3_000);
    }

    @Test
    public void stayingAwayDoesNotMoveLastSeen() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB)), NOW);
        apply(u, put(idle("w1", Device.WEB)), NOW + 1_000);

        // away → busy: the status was not online, so last seen stays where it was
        Presence busy = apply(u, new PresenceUpdate.SetManual(ManualStatus.BUSY), NOW + 5_000).after();

        assertThat(busy.status()).isEqualTo(Status.BUSY);
        assertThat(busy.lastSeen()).isEqualTo(NOW + 1_000);
    }

    @Test
    public void manualBusyAndAwayOverrideActivity() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB)), NOW);

        Presence busy = apply(u, new PresenceUpdate.SetManual(ManualStatus.BUSY), NOW).after();
        assertThat(busy.status()).isEqualTo(Status.BUSY);
        assertThat(busy.publicStatus()).isEqualTo(Status.BUSY);
        assertThat(busy.invisible()).isFalse();
        assertThat(busy.devices()).containsExactly(new DeviceStatus(Device.WEB, Status.ONLINE));

        Presence away = apply(u, new PresenceUpdate.SetManual(ManualStatus.AWAY), NOW).after();
        assertThat(away.status()).isEqualTo(Status.AWAY);
        assertThat(away.version()).isGreaterThan(busy.version());

        Presence auto = apply(u, new PresenceUpdate.SetManual(ManualStatus.AUTO), NOW).after();
        assertThat(auto.status()).isEqualTo(Status.ONLINE);
        assertThat(auto.version()).isGreaterThan(away.version());
    }

    @Test
    public void manualBusyAppliesToIdleSessionsToo() {
        String u = user("alice");
        apply(u, put(idle("w1", Device.WEB)), NOW);

        Presence busy = apply(u, new PresenceUpdate.SetManual(ManualStatus.BUSY), NOW).after();

        assertThat(busy.status()).isEqualTo(Status.BUSY);
    }

    @Test
    public void manualStatusWithoutSessionsIsOffline() {
        String u = user("alice");
        apply(u, new PresenceUpdate.SetManual(ManualStatus.BUSY), NOW);
        assertThat(get(u).status()).isEqualTo(Status.OFFLINE);

        // the manual status is kept for when a session arrives
        Presence p = apply(u, put(active("w1", Device.WEB)), NOW + 1).after();
        assertThat(p.status()).isEqualTo(Status.BUSY);
    }

    @Test
    public void invisibleKeepsTheTrueStatusAndHidesItPublicly() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB)), NOW);

        PresenceChange c = assertChanged(u, apply(u, new PresenceUpdate.SetManual(ManualStatus.INVISIBLE), NOW + 1_000));

        Presence p = c.after();
        assertThat(p.invisible()).isTrue();
        assertThat(p.status()).isEqualTo(Status.ONLINE);
        assertThat(p.publicStatus()).isEqualTo(Status.OFFLINE);
        assertThat(p.devices()).containsExactly(new DeviceStatus(Device.WEB, Status.ONLINE));
        // publicly the user left online: last seen is now
        assertThat(p.lastSeen()).isEqualTo(NOW + 1_000);

        Presence idle = apply(u, put(idle("w1", Device.WEB)), NOW + 2_000).after();
        assertThat(idle.invisible()).isTrue();
        assertThat(idle.status()).isEqualTo(Status.AWAY);
        assertThat(idle.publicStatus()).isEqualTo(Status.OFFLINE);

        Presence visible = apply(u, new PresenceUpdate.SetManual(ManualStatus.AUTO), NOW + 3_000).after();
        assertThat(visible.invisible()).isFalse();
        assertThat(visible.status()).isEqualTo(Status.AWAY);
        assertThat(visible.publicStatus()).isEqualTo(Status.AWAY);
    }

    @Test
    public void invisibleUserWhoLeavesStaysHiddenAndKeepsTheirPublicVersionAndLastSeen() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB)), NOW);
        Presence hidden = apply(u, new PresenceUpdate.SetManual(ManualStatus.INVISIBLE), NOW).after();

        Presence p = apply(u, new PresenceUpdate.RemoveSession("w1", NOW + 10), NOW + 10).after();

        assertThat(p.status()).isEqualTo(Status.OFFLINE);
        assertThat(p.publicStatus()).isEqualTo(Status.OFFLINE);
        assertThat(p.invisible()).as("still invisible: the manual status is durable").isTrue();
        assertThat(p.devices()).isEmpty();
        assertThat(p.version()).isGreaterThan(hidden.version());
        assertThat(p.publicVersion()).as("others saw nothing change").isEqualTo(hidden.publicVersion());
        assertThat(p.lastSeen()).as("leaving while invisible is not told").isEqualTo(hidden.lastSeen());
    }

    // ------------------------------------------------------------------ custom status

    @Test
    public void customStatusIsSetAndCleared() {
        String u = user("alice");
        Presence online = apply(u, put(active("w1", Device.WEB)), NOW).after();
        CustomStatus cs = new CustomStatus("On holiday", "🌴", NOW + 3_600_000);

        Presence set = assertChanged(u, apply(u, new PresenceUpdate.SetCustomStatus(cs), NOW)).after();
        assertThat(set.customStatus()).isEqualTo(cs);
        assertThat(set.status()).isEqualTo(Status.ONLINE);
        assertThat(set.version()).isGreaterThan(online.version());

        CustomStatus other = new CustomStatus("Back soon", null, 0);
        Presence replaced = assertChanged(u, apply(u, new PresenceUpdate.SetCustomStatus(other), NOW)).after();
        assertThat(replaced.customStatus()).isEqualTo(other);

        Presence cleared = assertChanged(u, apply(u, new PresenceUpdate.SetCustomStatus(null), NOW)).after();
        assertThat(cleared.customStatus()).isNull();
        assertThat(cleared.version()).isGreaterThan(replaced.version());

        assertUnchanged(u, apply(u, new PresenceUpdate.SetCustomStatus(null), NOW), cleared);
    }

    @Test
    public void customStatusExpiresOnRefreshAtItsExpiry() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB)), NOW);
        Presence set = apply(u, new PresenceUpdate.SetCustomStatus(new CustomStatus("lunch", null, NOW + 1_000)), NOW).after();

        assertUnchanged(u, apply(u, new PresenceUpdate.Refresh(), NOW + 999), set);

        PresenceChange c = assertChanged(u, apply(u, new PresenceUpdate.Refresh(), NOW + 1_000));
        assertThat(c.after().customStatus()).isNull();
        assertThat(c.after().status()).isEqualTo(Status.ONLINE);
        assertThat(c.after().version()).isGreaterThanOrEqualTo(NOW + 1_000);
    }

    @Test
    public void customStatusWithoutExpiryNeverExpires() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB)), NOW);
        CustomStatus forever = new CustomStatus("here", null, 0);
        Presence set = apply(u, new PresenceUpdate.SetCustomStatus(forever), NOW).after();

        assertUnchanged(u, apply(u, new PresenceUpdate.Refresh(), NOW + 365L * 24 * 3_600_000), set);
    }

    @Test
    public void anAlreadyExpiredCustomStatusIsNotApplied() {
        String u = user("alice");
        Presence online = apply(u, put(active("w1", Device.WEB)), NOW).after();

        PresenceChange c = apply(u, new PresenceUpdate.SetCustomStatus(new CustomStatus("old", null, NOW - 1)), NOW);

        assertUnchanged(u, c, online);
    }

    // ------------------------------------------------------------------ activity

    @Test
    public void theLatestActivityAmongSessionsWins() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB).withActivity("in_call", NOW + 10, 0)), NOW + 10);
        Presence p = apply(u, put(active("m1", Device.MOBILE).withActivity("focus", NOW + 20, 0)), NOW + 20).after();
        assertThat(p.activity()).isEqualTo("focus");

        Presence q = apply(u, put(active("w1", Device.WEB).withActivity("presenting", NOW + 30, 0)), NOW + 30).after();
        assertThat(q.activity()).isEqualTo("presenting");
        assertThat(q.version()).isGreaterThan(p.version());

        // an older activity set later does not override the latest one
        Presence r = apply(u, put(active("d1", Device.DESKTOP).withActivity("in_meeting", NOW + 5, 0)), NOW + 40).after();
        assertThat(r.activity()).isEqualTo("presenting");
    }

    @Test
    public void activityDisappearsWithItsSession() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB).withActivity("in_call", NOW + 10, 0)), NOW + 10);
        apply(u, put(active("m1", Device.MOBILE).withActivity("focus", NOW + 20, 0)), NOW + 20);

        Presence p = apply(u, new PresenceUpdate.RemoveSession("m1", NOW + 30), NOW + 30).after();
        assertThat(p.activity()).isEqualTo("in_call");

        Presence q = apply(u, put(active("w1", Device.WEB)), NOW + 40).after();
        assertThat(q.activity()).isNull();
    }

    @Test
    public void anExpiredActivityIsIgnored() {
        String u = user("alice");
        apply(u, put(active("w1", Device.WEB).withActivity("in_call", NOW + 10, 0)), NOW + 10);

        // newer, but already expired when applied
        Presence p = apply(u, put(active("m1", Device.MOBILE).withActivity("focus", NOW + 20, NOW + 100)), NOW + 100).after();

        assertThat(p.activity()).isEqualTo("in_call");
    }

    @Test
    public void activityExpiresOnRefreshAtItsExpiry() {
        String u = user("alice");
        Presence p = apply(u, put(active("w1", Device.WEB).withActivity("in_call", NOW, NOW + 1_000)), NOW).after();
        assertThat(p.activity()).isEqualTo("in_call");

        assertUnchanged(u, apply(u, new PresenceUpdate.Refresh(), NOW + 999), p);

        PresenceChange c = assertChanged(u, apply(u, new PresenceUpdate.Refresh(), NOW + 1_000));
        assertThat(c.after().activity()).isNull();
        assertThat(c.after().status()).isEqualTo(Status.ONLINE);
    }

    // ------------------------------------------------------------------ nodes

    @Test
    public void removeNodeRemovesOnlyThatNodesSessions() {
        String u = user("alice");
        apply(u, put(session("a1", "node-a", Device.WEB, false)), NOW);
        apply(u, put(session("a2", "node-a", Device.DESKTOP, false)), NOW);
        apply(u, put(session("b1", "node-b", Device.MOBILE, true)), NOW);

        PresenceChange c = assertChanged(u, apply(u, new PresenceUpdate.RemoveNode("node-a", NOW + 500), NOW + 1_000));

        assertThat(await(store.sessions(u))).containsOnlyKeys("b1");
        assertThat(c.after().status()).isEqualTo(Status.AWAY);
        assertThat(c.after().devices()).containsExactly(new DeviceStatus(Device.MOBILE, Status.AWAY));
    }

    @Test
    public void removeNodeOfTheLastSessionsMakesTheUserOfflineWithLastSeenEqualToEndedAt() {
        String u = user("alice");
        apply(u, put(session("a1", "node-a", Device.WEB, false)), NOW);
        apply(u, put(session("a2", "node-a", Device.MOBILE, false)), NOW);

        Presence p = assertChanged(u, apply(u, new PresenceUpdate.RemoveNode("node-a", NOW + 500), NOW + 40_000)).after();

        assertThat(p.status()).isEqualTo(Status.OFFLINE);
        assertThat(p.lastSeen()).isEqualTo(NOW + 500);
        assertThat(await(store.sessions(u))).isEmpty();
    }

    @Test
    public void removeNodeWithoutSessionsOnThatNodeChangesNothing() {
        String u = user("alice");
        Presence p = apply(u, put(session("a1", "node-a", Device.WEB, false)), NOW).after();

        assertUnchanged(u, apply(u, new PresenceUpdate.RemoveNode("node-z", NOW + 10), NOW + 10), p);
        assertThat(await(store.sessions(u))).containsOnlyKeys("a1");
    }

    // ------------------------------------------------------------------ seed

    @Test
    public void seedLoadsDurableInputsIntoAnUnknownRecord() {
        String u = user("alice");
        CustomStatus cs = new CustomStatus("travelling", "✈", 0);

        Presence seeded = apply(u, new PresenceUpdate.Seed(ManualStatus.BUSY, cs, NOW - 60_000), NOW).after();
        assertThat(seeded.status()).isEqualTo(Status.OFFLINE);
        assertThat(seeded.lastSeen()).isEqualTo(NOW - 60_000);
        assertThat(seeded.customStatus()).isEqualTo(cs);

        Presence online = apply(u, put(active("w1", Device.WEB)), NOW + 1).after();
        assertThat(online.status()).isEqualTo(Status.BUSY);
        assertThat(online.customStatus()).isEqualTo(cs);
    }

    @Test
    public void seedAppliesToARecordWithSessionsThatWasNeverSeeded() {
        // a store that lost everything gets a session back before the settings: the durable
        // invisible status must still win, or the user shows online to everyone
        String u = user("alice");
        Presence online = apply(u, put(active("w1", Device.WEB)), NOW).after();
        assertThat(online.publicStatus()).isEqualTo(Status.ONLINE);

        Presence seeded = apply(u, new PresenceUpdate.Seed(ManualStatus.INVISIBLE, null, NOW - 60_000), NOW + 1).after();

        assertThat(seeded.publicStatus()).isEqualTo(Status.OFFLINE);
        assertThat(seeded.version()).isGreaterThan(online.version());
        PresenceChange again = apply(u, new PresenceUpdate.Seed(ManualStatus.AUTO, null, NOW - 5), NOW + 2);
        assertUnchanged(u, again, seeded);
    }

    @Test
    public void seedIsIgnoredOnceTheRecordWasSeeded() {
        String u = user("alice");
        apply(u, new PresenceUpdate.Seed(ManualStatus.AUTO, null, NOW - 5), NOW);
        apply(u, put(active("w1", Device.WEB)), NOW);
        Presence offline = apply(u, new PresenceUpdate.RemoveSession("w1", NOW + 100), NOW + 100).after();
        assertThat(offline.version()).isGreaterThan(0);

        PresenceChange c = apply(u, new PresenceUpdate.Seed(ManualStatus.AWAY, new CustomStatus("x", null, 0), NOW - 5), NOW + 200);

        assertUnchanged(u, c, offline);
        assertThat(get(u).lastSeen()).isEqualTo(NOW + 100);
        Presence back = apply(u, put(active("w2", Device.WEB)), NOW + 300).after();
        assertThat(back.status()).isEqualTo(Status.ONLINE);
        assertThat(back.customStatus()).isNull();
    }

    @Test
    public void seedStillAppliesAfterAPrivacyBumpOfAnUnknownUser() {
        String u = user("alice");
        Presence bumped = apply(u, new PresenceUpdate.Bump(), NOW).after();
        assertThat(bumped.version()).isPositive();

        Presence seeded = apply(u, new PresenceUpdate.Seed(ManualStatus.INVISIBLE, null, NOW - 60_000), NOW + 1).after();
        assertThat(seeded.invisible()).isTrue();
        assertThat(seeded.lastSeen()).isEqualTo(NOW - 60_000);
        assertThat(seeded.version()).isGreaterThan(bumped.version());
        Presence online = apply(u, put(active("w1", Device.WEB)), NOW + 2).after();
        assertThat(online.publicStatus()).as("the durable invisible status holds").isEqualTo(Status.OFFLINE);
    }

    // ------------------------------------------------------------------ getAll

    @Test
    public void getAllReturnsOneEntryPerDistinctIdIncludingUnknownOnes() {
        String a = user("a");
        String b = user("b");
        String ghost = user("ghost");
        Presence pa = apply(a, put(active("s1", Device.WEB)), NOW).after();
        Presence pb = apply(b, put(idle("s1", Device.MOBILE)), NOW).after();

        Map<String, Presence> all = await(store.getAll(List.of(a, ghost, b, a, ghost)));

        assertThat(all).hasSize(3);
        assertThat(all).containsEntry(a, pa).containsEntry(b, pb).containsEntry(ghost, Presence.unknown(ghost));
    }

    @Test
    public void getAllOfNothingIsEmpty() {
        assertThat(await(store.getAll(List.of()))).isEmpty();
    }

    @Test
    public void usersAreIndependent() {
        String a = user("a");
        String b = user("b");
        apply(a, put(active("s1", Device.WEB)), NOW);

        apply(b, put(active("s1", Device.MOBILE)), NOW);
        apply(b, new PresenceUpdate.SetManual(ManualStatus.BUSY), NOW);

        assertThat(get(a).status()).isEqualTo(Status.ONLINE);
        assertThat(get(a).devices()).containsExactly(new DeviceStatus(Device.WEB, Status.ONLINE));
        assertThat(await(store.sessions(a))).containsOnlyKeys("s1");
        assertThat(await(store.sessions(a)).get("s1").device()).isEqualTo(Device.WEB);
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    public void concurrentPutSessionsOfOneUserLoseNothing() throws Exception {
        String u = user("busy-bee");
        int threads = 8;
        int perThread = sessionsPerThreadOfOneUser();
        List<PresenceChange> changes = runConcurrently(threads, perThread, (t, i) ->
                apply(u, put(session("t" + t + "-s" + i, "node-" + t, Device.values()[(t + i) % 4], i % 3 == 0)), NOW + i));

        assertThat(await(store.sessions(u))).hasSize(threads * perThread);
        assertSerialized(changes);
        Presence last = get(u);
        assertThat(last.status()).isEqualTo(Status.ONLINE);
        assertThat(last.devices()).hasSize(4);
    }

    @Test
    public void concurrentChangesOfOneUserAreSerializedWithStrictlyIncreasingVersions() throws Exception {
        String u = user("busy-bee");
        apply(u, put(active("s0", Device.WEB)), NOW);
        int threads = 8;
        int perThread = 500;
        // every update sets a text never used before, so every one of them changes the presence
        List<PresenceChange> changes = runConcurrently(threads, perThread, (t, i) ->
                apply(u, new PresenceUpdate.SetCustomStatus(new CustomStatus("t" + t + "-" + i, null, 0)), NOW));

        assertThat(changes).hasSize(threads * perThread);
        assertThat(changes).allSatisfy(c -> assertThat(c.changed()).isTrue());
        Set<Long> versions = new HashSet<>();
        changes.forEach(c -> versions.add(c.after().version()));
        assertThat(versions).as("distinct versions").hasSize(threads * perThread);
        assertSerialized(changes);
        Presence last = get(u);
        assertThat(last.version()).isEqualTo(versions.stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    /**
     * Checks that the changes form one chain: sorted by version, every change started from the presence
     * the previous one produced (nothing applied to a stale record, nothing lost).
     */
    private static void assertSerialized(List<PresenceChange> changes) {
        List<PresenceChange> real = new ArrayList<>();
        for (PresenceChange c : changes) {
            if (c.changed()) {
                assertThat(c.after().version()).isGreaterThan(c.before().version());
                real.add(c);
            } else {
                assertThat(c.after()).isEqualTo(c.before());
            }
        }
        real.sort(Comparator.comparingLong(c -> c.after().version()));
        for (int i = 1; i < real.size(); i++) {
            PresenceChange prev = real.get(i - 1);
            PresenceChange cur = real.get(i);
            assertThat(cur.after().version()).as("versions are distinct").isGreaterThan(prev.after().version());
            assertThat(cur.before()).as("change %d starts where change %d ended", i, i - 1).isEqualTo(prev.after());
        }
    }

    // ------------------------------------------------------------------ rooms

    private RoomChange room(String room, RoomUpdate u, long now) {
        RoomChange c = await(store.updateRoom(room, u, now));
        assertThat(c.room()).isEqualTo(room);
        return c;
    }

    private static RoomSession rs(String sessionId, String node, String meta) {
        return new RoomSession(sessionId, node, Device.WEB, meta, NOW);
    }

    private static RoomUpdate.Join join(String user, String sessionId) {
        return new RoomUpdate.Join(user, rs(sessionId, "node-a", null), Set.of(), 1_000);
    }

    @Test
    public void anEmptyRoomIsVersionZeroWithNoMembers() {
        String r = user("room");
        RoomState state = await(store.room(r));
        assertThat(state.version()).isZero();
        assertThat(state.members()).isEmpty();
        RoomPage page = await(store.roomMembers(r, 0, 10));
        assertThat(page.count()).isZero();
        assertThat(page.members()).isEmpty();
        assertThat(page.nextAfter()).isZero();
    }

    @Test
    public void aJoinAddsAMemberWithItsSessionAndAVersionChain() {
        String r = user("room");
        String alice = user("alice");
        RoomChange c = room(r, new RoomUpdate.Join(alice, rs("s1", "node-a", "{\"mode\":\"viewing\"}"), Set.of("x"), 10), NOW);

        assertThat(c.outcome()).isEqualTo(RoomChange.Outcome.CHANGED);
        assertThat(c.since()).isZero();
        assertThat(c.version()).isGreaterThan(0);
        assertThat(c.count()).isEqualTo(1);
        assertThat(c.removed()).isEmpty();
        RoomMember m = c.upserted().get(0);
        assertThat(m.userId()).isEqualTo(alice);
        assertThat(m.blocks()).containsExactly("x");
        assertThat(m.sessions()).containsExactly(rs("s1", "node-a", "{\"mode\":\"viewing\"}"));
        RoomState state = await(store.room(r));
        assertThat(state.version()).isEqualTo(c.version());
        assertThat(state.members()).containsExactly(m);

        RoomChange next = room(r, join(user("bob"), "s2"), NOW);
        assertThat(next.since()).isEqualTo(c.version());
        assertThat(next.version()).isGreaterThan(c.version());
        assertThat(next.count()).isEqualTo(2);
    }

    @Test
    public void versionsFollowTheClockAndNeverGoBack() {
        String r = user("room");
        RoomChange a = room(r, join(user("a"), "s1"), NOW);
        assertThat(a.version()).isEqualTo(NOW);
        RoomChange b = room(r, join(user("b"), "s2"), NOW - 5_000); // a clock that went back
        assertThat(b.version()).isEqualTo(NOW + 1);
        RoomChange c = room(r, join(user("c"), "s3"), NOW + 60_000);
        assertThat(c.version()).isEqualTo(NOW + 60_000);
    }

    @Test
    public void aSecondSessionOfAMemberIsAnUpdateAndItsLeaveKeepsTheMember() {
        String r = user("room");
        String alice = user("alice");
        RoomMember first = room(r, join(alice, "s1"), NOW).upserted().get(0);
        RoomChange second = room(r, new RoomUpdate.Join(alice, new RoomSession("s2", "node-b", Device.MOBILE, null, NOW + 1), Set.of(), 1), NOW);

        assertThat(second.outcome()).as("an existing member is not refused by the member limit").isEqualTo(RoomChange.Outcome.CHANGED);
        RoomMember both = second.upserted().get(0);
        assertThat(both.seq()).isEqualTo(first.seq());
        assertThat(both.sessions()).extracting(RoomSession::sessionId).containsExactly("s1", "s2");

        RoomChange leave = room(r, new RoomUpdate.Leave(alice, "s1"), NOW);
        assertThat(leave.removed()).isEmpty();
        assertThat(leave.upserted().get(0).sessions()).extracting(RoomSession::sessionId).containsExactly("s2");
        assertThat(leave.count()).isEqualTo(1);
    }

    @Test
    public void theLastSessionsLeaveRemovesTheMemberAndAnEmptyRoomIsForgotten() {
        String r = user("room");
        String alice = user("alice");
        room(r, join(alice, "s1"), NOW);
        RoomChange leave = room(r, new RoomUpdate.Leave(alice, "s1"), NOW);

        assertThat(leave.removed()).containsExactly(alice);
        assertThat(leave.upserted()).isEmpty();
        assertThat(leave.count()).isZero();
        assertThat(await(store.room(r)).members()).isEmpty();
        assertThat(await(store.roomMembers(r, 0, 10)).count()).isZero();
    }

    @Test
    public void aRoomThatEmptiesAndFillsAgainInTheSameMillisecondKeepsGrowing() {
        String r = user("room");
        String alice = user("alice");
        RoomChange first = room(r, join(alice, "s1"), NOW);
        RoomChange busy = room(r, new RoomUpdate.SetMeta(alice, "s1", "{\"x\":1}"), NOW); // ahead of the clock now
        RoomChange empty = room(r, new RoomUpdate.Leave(alice, "s1"), NOW);
        assertThat(empty.version()).isGreaterThan(busy.version());
        RoomChange again = room(r, join(user("bob"), "s2"), NOW);

        assertThat(again.version()).as("no older than anything the room had").isGreaterThan(empty.version());
        assertThat(again.since()).as("a reader holding the old room sees it continue, or a gap: never an old change")
                .isGreaterThanOrEqualTo(empty.version());
        assertThat(again.upserted().get(0).seq()).as("seqs go on, so a paging cursor stays valid").isGreaterThan(first.upserted().get(0).seq());
        assertThat(await(store.room(r)).version()).isEqualTo(again.version());
    }

    @Test
    public void updatesThatChangeNothingKeepTheVersion() {
        String r = user("room");
        String alice = user("alice");
        RoomChange joined = room(r, join(alice, "s1"), NOW);
        for (RoomUpdate u : List.of(new RoomUpdate.Leave(alice, "nope"), new RoomUpdate.Leave(user("stranger"), "s1"),
                new RoomUpdate.SetMeta(alice, "s1", "{}"), new RoomUpdate.SetMeta(user("stranger"), "s1", "{\"a\":1}"),
                new RoomUpdate.SetBlocks(alice, Set.of()), new RoomUpdate.RemoveNode("node-z"), join(alice, "s1"))) {
            RoomChange c = room(r, u, NOW + 1);
            assertThat(c.outcome()).as("%s", u).isEqualTo(RoomChange.Outcome.UNCHANGED);
            assertThat(c.version()).isEqualTo(joined.version());
            assertThat(c.since()).isEqualTo(joined.version());
            assertThat(c.changed()).isFalse();
        }
        assertThat(await(store.room(r)).version()).isEqualTo(joined.version());
    }

    @Test
    public void metaAndBlocksAreReplaced() {
        String r = user("room");
        String alice = user("alice");
        room(r, join(alice, "s1"), NOW);
        RoomChange meta = room(r, new RoomUpdate.SetMeta(alice, "s1", "{\"cursor\":{\"x\":4}}"), NOW);
        assertThat(meta.upserted().get(0).session("s1").meta()).isEqualTo("{\"cursor\":{\"x\":4}}");
        RoomChange blocks = room(r, new RoomUpdate.SetBlocks(alice, Set.of("b1", "b2")), NOW);
        assertThat(blocks.upserted().get(0).blocks()).containsExactlyInAnyOrder("b1", "b2");
        assertThat(await(store.room(r)).members().get(0).session("s1").meta()).isEqualTo("{\"cursor\":{\"x\":4}}");
    }

    @Test
    public void aJoinOverTheMemberLimitIsRefusedAndChangesNothing() {
        String r = user("room");
        room(r, new RoomUpdate.Join(user("a"), rs("s1", "n", null), Set.of(), 2), NOW);
        RoomChange two = room(r, new RoomUpdate.Join(user("b"), rs("s2", "n", null), Set.of(), 2), NOW);
        RoomChange full = room(r, new RoomUpdate.Join(user("c"), rs("s3", "n", null), Set.of(), 2), NOW);

        assertThat(full.outcome()).isEqualTo(RoomChange.Outcome.ROOM_FULL);
        assertThat(full.version()).isEqualTo(two.version());
        assertThat(full.count()).isEqualTo(2);
        assertThat(await(store.room(r)).count()).isEqualTo(2);
    }

    @Test
    public void removeNodeTakesOutOnlyThatNodesSessions() {
        String r = user("room");
        String alice = user("alice");
        String bob = user("bob");
        room(r, new RoomUpdate.Join(alice, rs("a1", "dead", null), Set.of(), 10), NOW);
        room(r, new RoomUpdate.Join(alice, rs("a2", "live", null), Set.of(), 10), NOW);
        room(r, new RoomUpdate.Join(bob, rs("b1", "dead", null), Set.of(), 10), NOW);

        RoomChange c = room(r, new RoomUpdate.RemoveNode("dead"), NOW);
        assertThat(c.removed()).containsExactly(bob);
        assertThat(c.upserted()).hasSize(1);
        assertThat(c.upserted().get(0).sessions()).extracting(RoomSession::sessionId).containsExactly("a2");
        assertThat(c.count()).isEqualTo(1);
    }

    @Test
    public void membersArePagedInJoinOrderAndARejoinerIsLast() {
        String r = user("room");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(user("m" + i));
            room(r, join(ids.get(i), "s" + i), NOW);
        }
        room(r, new RoomUpdate.Leave(ids.get(0), "s0"), NOW);
        room(r, join(ids.get(0), "s0b"), NOW);

        List<String> seen = new ArrayList<>();
        long after = 0;
        int pages = 0;
        do {
            RoomPage page = await(store.roomMembers(r, after, 3));
            assertThat(page.count()).isEqualTo(7);
            assertThat(page.members().size()).isLessThanOrEqualTo(3);
            page.members().forEach(m -> seen.add(m.userId()));
            after = page.nextAfter();
            pages++;
        } while (after != 0);
        assertThat(pages).isEqualTo(3);
        List<String> expected = new ArrayList<>(ids.subList(1, 7));
        expected.add(ids.get(0));
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(await(store.room(r)).members()).extracting(RoomMember::userId).containsExactlyElementsOf(expected);
        assertThat(await(store.roomMembers(r, 0, 7)).nextAfter()).as("an exact last page has no next").isZero();
    }

    @Test
    public void concurrentJoinsOfOneRoomAreAllKeptWithDistinctVersions() throws Exception {
        String r = user("room");
        List<RoomChange> changes = new ArrayList<>();
        List<PresenceChange> ignored = runConcurrently(4, 25, (t, i) -> {
            RoomChange c = await(store.updateRoom(r, join(user("t" + t + "-" + i), "s" + t + "-" + i), NOW));
            synchronized (changes) {
                changes.add(c);
            }
            return new PresenceChange(Presence.unknown("x"), Presence.unknown("x"));
        });
        assertThat(ignored).hasSize(100);
        assertThat(changes).allSatisfy(c -> assertThat(c.changed()).isTrue());
        assertThat(changes.stream().map(RoomChange::version).distinct().count()).isEqualTo(100);
        Set<Long> sinces = new HashSet<>();
        changes.forEach(c -> sinces.add(c.since()));
        assertThat(sinces).as("every change continues from a different version: a chain").hasSize(100);
        assertThat(await(store.room(r)).count()).isEqualTo(100);
    }

    @FunctionalInterface
    private interface Step {
        PresenceChange run(int thread, int iteration);
    }

    private static List<PresenceChange> runConcurrently(int threads, int perThread, Step step) throws Exception {
        ConcurrentLinkedQueue<PresenceChange> out = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        out.add(step.run(thread, i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(out);
    }
}
