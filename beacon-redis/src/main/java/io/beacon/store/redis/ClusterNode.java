package io.beacon.store.redis;

import io.beacon.engine.PresenceEngine;
import io.beacon.time.Ticker;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of the cluster, driven by {@link #tick()} (a periodic task; tests call it
 * after moving a fake clock):
 *
 * <ul>
 *   <li>renews the node's lease every {@code min(500 ms, ttl / 3)} — one Redis command, which also
 *       says which other nodes let their lease expire;</li>
 *   <li>cleans up after each dead node it claimed, an offline grace after the dead node's lease ended
 *       (clients that lost their node reconnect elsewhere meanwhile, so nobody sees them leave): the
 *       dead node's sessions end in its users' presence and in its rooms, published like any other
 *       change, then its index is forgotten. So subscribers elsewhere see {@code offline} lease TTL +
 *       grace (+ the cleanup itself) after a {@code kill -9};</li>
 *   <li>when commands failed (Redis was slow or away, but kept its data): {@linkplain PresenceEngine#repair()
 *       repairs} — stores again what it knows did not get there, and publishes again what was not
 *       published — at most every {@value #REPAIR_EVERY_MS} ms. A renewal that fails makes the node not
 *       ready, nothing more: a slow Redis is not made slower by a node storing everything again;</li>
 *   <li>when Redis may have lost what it had taken — a pub/sub link dropped, the cluster's topology
 *       changed (a failover) — subscribes every channel again and {@linkplain PresenceEngine#resync()
 *       resyncs} (stores its sessions and memberships again, reads watched users and rooms again), at
 *       most every {@value #RESYNC_EVERY_MS} ms;</li>
 *   <li>when its lease was lost (it could not renew it for a TTL — an outage, a long pause — so other
 *       nodes may be removing its sessions): goes on under a new id ({@code <id>.<n>}), stores
 *       everything again under it ({@link PresenceEngine#rebirth}), then cleans up after its old id
 *       like after any dead node (what ended meanwhile ends in the store too).</li>
 * </ul>
 *
 * <pre>{@code
 * ClusterNode cluster = new ClusterNode(engine, engineLoop, redis, new NodeLeases(redis, 5_000), bus, ticker, 5_000, 5_000);
 * scheduler.scheduleAtFixedRate(cluster::tick, 100, 100, TimeUnit.MILLISECONDS);
 * }</pre>
 */
public final class ClusterNode implements AutoCloseable {
    /** The least time between two repairs. */
    public static final long REPAIR_EVERY_MS = 1_000;
    /** The least time between two resyncs. */
    public static final long RESYNC_EVERY_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final PresenceEngine engine;
    private final Executor engineThread;
    private final RedisConnection connection;
    private final NodeLeases leases;
    private final RedisBus bus;
    private final Ticker ticker;
    private final long renewEveryMillis;
    private final long graceMillis;
    private final long claimMillis;
    private final String baseId;

    private String nodeId;
    private int generation;
    /** Whether {@link #nodeId} holds a lease (it was renewed once). */
    private boolean held;
    private long lastRenewAttempt;
    private boolean renewDue = true;
    private boolean renewing;
    private long lastRenewedAt;
    private volatile boolean healthy;
    /** Since when this node has reached Redis without a break (ticker ms; -1: not now). */
    private long reachableSince = -1;
    /** The last recovery did not get everything stored: the next renewal repairs. */
    private boolean recoveryFailed;
    private long renewals;
    private long seenFailures;
    private long seenLinkLosses;
    private boolean recovering;
    private boolean rebirthDue;
    private long lastRepairAt = Long.MIN_VALUE / 2;
    private long lastResyncAt = Long.MIN_VALUE / 2;
    /** Old ids of this node to clean up after a rebirth, with their last sign of life. */
    private final Map<String, Long> abandoned = new HashMap<>();
    /** Dead nodes this node claimed: when to clean up, and their last sign of life. */
    private final Map<String, long[]> pending = new HashMap<>();

    public ClusterNode(PresenceEngine engine, Executor engineThread, RedisConnection connection, NodeLeases leases, RedisBus bus,
                       Ticker ticker, long leaseTtlMillis, long graceMillis) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.engineThread = Objects.requireNonNull(engineThread, "engineThread");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (graceMillis < 0) {
            throw new IllegalArgumentException("graceMillis must be >= 0, was " + graceMillis);
        }
        this.renewEveryMillis = Math.max(1, Math.min(500, leaseTtlMillis / 3));
        this.graceMillis = graceMillis;
        // a claim outlives the grace and the cleanup, or a second node would clean up too
        this.claimMillis = graceMillis + Math.max(10_000, 6 * leaseTtlMillis);
        this.baseId = engine.nodeId();
        this.nodeId = baseId;
        this.seenFailures = connection.failures();
        this.seenLinkLosses = connection.linkLosses();
    }

    /** Whether Redis answered the last lease renewal (the node is ready for traffic). */
    public boolean healthy() {
        return healthy;
    }

    /** The id this node's lease and sessions are under now ({@code <id>.<n>} after a rebirth). */
    public synchronized String nodeId() {
        return nodeId;
    }

    /** Lease renewals this node sent (each one Redis command). */
    public synchronized long renewals() {
        return renewals;
    }

    /**
     * Renews the lease when due, and starts the cleanups that are due. Thread-safe.
     *
     * @return completes when the renewal this tick started (if any) has been answered and handled
     */
    public synchronized CompletableFuture<Void> tick() {
        long now = ticker.millis();
        CompletableFuture<Void> renewal = CompletableFuture.completedFuture(null);
        if (!renewing && (renewDue || now - lastRenewAttempt >= renewEveryMillis)) {
            renewing = true;
            renewDue = false;
            lastRenewAttempt = now;
            renewals++;
            String id = nodeId;
            renewal = leases.renew(id, held, now, claimMillis).handle((r, failure) -> {
                renewed(id, now, r, failure);
                return null;
            });
        }
        for (Iterator<Map.Entry<String, long[]>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, long[]> e = it.next();
            if (e.getValue()[0] <= now) {
                it.remove();
                cleanUp(e.getKey(), e.getValue()[1]);
            }
        }
        return renewal;
    }

    private synchronized void renewed(String id, long at, NodeLeases.Renewal r, Throwable failure) {
        renewing = false;
        if (failure != null) {
            if (healthy) {
                LOG.warn("Redis did not answer the lease renewal of node {}: not ready until it does ({})", id, failure.toString());
            }
            healthy = false;
            reachableSince = -1;
            return;
        }
        if (reachableSince < 0) {
            if (renewals > 1) {
                LOG.info("Redis answers node {} again", id);
            }
            reachableSince = at;
        }
        healthy = true;
        if (r.lost()) {
            if (held) {
                abandoned.put(id, lastRenewedAt);
                LOG.warn("node {} lost its lease (no renewal for {} ms): other nodes may be removing its sessions", id, at - lastRenewedAt);
            } else {
                LOG.warn("node id {} has a lease already (another node's, or a dead node's): taking another", id);
            }
            nodeId = baseId + "." + ++generation;
            held = false;
            renewDue = true;
            rebirthDue = true;
            return;
        }
        held = true;
        lastRenewedAt = at;
        if (!recovering) {
            long failures = connection.failures();
            long linkLosses = connection.linkLosses();
            if (rebirthDue) {
                recover(Recovery.REBIRTH, at, failures, linkLosses);
            } else if (linkLosses != seenLinkLosses && at - lastResyncAt >= RESYNC_EVERY_MS) {
                recover(Recovery.RESYNC, at, failures, linkLosses);
            } else if ((failures != seenFailures || recoveryFailed || engine.unstored() > 0) && at - lastRepairAt >= REPAIR_EVERY_MS) {
                recover(Recovery.REPAIR, at, failures, seenLinkLosses);
            }
        }
        for (NodeLeases.DeadNode d : r.dead()) {
            if (!pending.containsKey(d.nodeId()) && !abandoned.containsKey(d.nodeId())) {
                // the grace runs from the lease's end — but not from before this node could reach Redis: after an
                // outage every node finds every lease expired, and each must get the grace to store itself again
                // under a new id before anyone removes what its old id holds
                long due = Math.max(d.expiredAtMillis(), reachableSince) + graceMillis;
                due = Math.max(at, Math.min(at + graceMillis, due));
                LOG.info("node {} let its lease expire (last sign of life at {}): its sessions end in {} ms", d.nodeId(),
                        d.lastSignOfLifeMillis(), due - at);
                pending.put(d.nodeId(), new long[] {due, d.lastSignOfLifeMillis()});
            }
        }
    }

    private enum Recovery { REPAIR, RESYNC, REBIRTH }

    /** Repairs, resyncs or is reborn under the current id; then cleans up after abandoned ids. */
    private void recover(Recovery how, long at, long failures, long linkLosses) {
        recovering = true;
        seenFailures = failures;
        seenLinkLosses = linkLosses;
        lastRepairAt = at;
        if (how != Recovery.REPAIR) {
            lastResyncAt = at;
        }
        rebirthDue = false;
        String id = nodeId;
        Map<String, Long> old = new HashMap<>(abandoned);
        abandoned.clear();
        switch (how) {
            case REBIRTH -> LOG.info("node {} stores its sessions and memberships again under its new id", id);
            case RESYNC -> LOG.info("Redis may have lost changes (a pub/sub link dropped, or a failover): node {} resyncs", id);
            case REPAIR -> LOG.info("some writes of node {} did not reach Redis: storing them again", id);
        }
        CompletableFuture<Void> subscribed = how == Recovery.REPAIR ? CompletableFuture.completedFuture(null) : bus.resubscribe();
        CompletableFuture<Boolean> synced = new CompletableFuture<>();
        subscribed.whenComplete((v, e) -> engineThread.execute(() -> {
            try {
                bus.republish();
                CompletableFuture<Void> f = switch (how) {
                    case REBIRTH -> engine.rebirth(id);
                    case RESYNC -> engine.resync();
                    case REPAIR -> engine.repair();
                };
                f.whenComplete((x, failure) -> synced.complete(failure == null));
            } catch (RuntimeException failure) {
                LOG.warn("recovery of node {} failed", id, failure);
                synced.complete(false);
            }
        }));
        synced.thenAccept(ok -> {
            if (ok) {
                old.forEach(this::cleanUp); // what it holds is stored under the new id: what is left under the old one ended
            }
            synchronized (this) {
                recovering = false;
                recoveryFailed = !ok;
                if (!ok) {
                    // not everything is stored under the new id yet: the old ids wait for a repair that gets it there
                    old.forEach(abandoned::putIfAbsent);
                    LOG.warn("node {} could not store everything again; repairing at the next renewal", id);
                }
            }
        });
    }

    private void cleanUp(String node, long lastSignOfLife) {
        leases.held(node).thenCompose(held -> {
            CompletableFuture<Void> removed = new CompletableFuture<>();
            engineThread.execute(() -> engine.removeNode(node, lastSignOfLife, held.users(), held.rooms()).whenComplete((v, e) -> {
                if (e != null) {
                    removed.completeExceptionally(e);
                } else {
                    removed.complete(null);
                }
            }));
            return removed.thenApply(v -> held);
        }).thenCompose(held -> {
            LOG.info("node {} cleaned up: {} users, {} rooms", node, held.users().size(), held.rooms().size());
            return leases.forget(node);
        }).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("cleanup of dead node {} failed; another node (or this one) claims it again later: {}", node, e.toString());
            }
        });
    }

    /** A clean stop: the lease ends now, so the other nodes clean up after this one once the grace has passed. */
    @Override
    public void close() {
        String id = nodeId();
        try {
            leases.expire(id, ticker.millis()).get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("could not end the lease of node {} ({}); it expires by itself", id, e.toString());
        }
    }
}
