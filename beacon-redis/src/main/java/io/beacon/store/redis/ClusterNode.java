package io.beacon.store.redis;

import io.beacon.engine.PresenceEngine;
import io.beacon.time.Ticker;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
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
 *   <li>cleans up after each dead node it claimed, an offline grace after noticing (clients that lost
 *       their node reconnect elsewhere meanwhile, so nobody sees them leave): the dead node's sessions
 *       end in its users' presence and in its rooms, published like any other change, then its index
 *       is forgotten. So subscribers elsewhere see {@code offline} within lease TTL + grace + a
 *       renewal period of a {@code kill -9};</li>
 *   <li>notices Redis outages (a renewal that fails): the node is not ready while Redis is
 *       unreachable, and when a renewal succeeds again it subscribes every channel again and
 *       re-publishes its sessions and memberships ({@link PresenceEngine#republish}), so the shared
 *       state converges even if Redis lost everything.</li>
 * </ul>
 *
 * <pre>{@code
 * ClusterNode cluster = new ClusterNode(engine, engineLoop, new NodeLeases(redis, nodeId, 5_000), bus, ticker, 5_000, 5_000);
 * scheduler.scheduleAtFixedRate(cluster::tick, 100, 100, TimeUnit.MILLISECONDS);
 * }</pre>
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final PresenceEngine engine;
    private final Executor engineThread;
    private final NodeLeases leases;
    private final RedisBus bus;
    private final Ticker ticker;
    private final long renewEveryMillis;
    private final long graceMillis;

    private long lastRenewAttempt;
    private boolean renewedOnce;
    private boolean renewing;
    private volatile boolean healthy = true;
    private boolean down;
    private long renewals;
    /** Dead nodes this node claimed: when to clean up, and when their lease expired. */
    private final Map<String, long[]> pending = new HashMap<>();

    public ClusterNode(PresenceEngine engine, Executor engineThread, NodeLeases leases, RedisBus bus, Ticker ticker, long leaseTtlMillis,
                       long graceMillis) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.engineThread = Objects.requireNonNull(engineThread, "engineThread");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.renewEveryMillis = Math.max(1, Math.min(500, leaseTtlMillis / 3));
        this.graceMillis = graceMillis;
    }

    /** Whether Redis answered the last lease renewal (the node is ready for traffic). */
    public boolean healthy() {
        return healthy;
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
        if (!renewing && (!renewedOnce || now - lastRenewAttempt >= renewEveryMillis)) {
            renewing = true;
            renewedOnce = true;
            lastRenewAttempt = now;
            renewals++;
            renewal = leases.renew(now).handle((dead, failure) -> {
                renewed(now, dead, failure);
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

    private synchronized void renewed(long at, List<NodeLeases.DeadNode> dead, Throwable failure) {
        renewing = false;
        if (failure != null) {
            if (healthy) {
                LOG.warn("Redis did not answer the lease renewal of node {}: not ready until it does ({})", leases.nodeId(), failure.toString());
            }
            healthy = false;
            down = true;
            return;
        }
        healthy = true;
        if (down) {
            down = false;
            LOG.info("Redis answers again: node {} subscribes and stores its state again", leases.nodeId());
            bus.resubscribe().whenComplete((v, e) -> engineThread.execute(engine::republish));
        }
        for (NodeLeases.DeadNode d : dead) {
            if (!pending.containsKey(d.nodeId())) {
                LOG.info("node {} let its lease expire at {}: its sessions end in {} ms", d.nodeId(), d.expiredAtMillis(), graceMillis);
                pending.put(d.nodeId(), new long[] {at + graceMillis, d.expiredAtMillis()});
            }
        }
    }

    private void cleanUp(String node, long expiredAt) {
        long lastSignOfLife = expiredAt - leases.ttlMillis();
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
        try {
            leases.expire(ticker.millis()).get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("could not end the lease of node {} ({}); it expires by itself", leases.nodeId(), e.toString());
        }
    }
}
