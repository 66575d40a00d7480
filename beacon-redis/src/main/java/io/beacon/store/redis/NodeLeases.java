package io.beacon.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Node leases in Redis: every node renews its lease, and the renewal also tells it which other nodes
 * let theirs expire, claiming their cleanup for this node (one claimer per dead node, re-claimable
 * after a while in case the claimer dies too).
 *
 * <table>
 *   <caption>Keys (one hash tag: one shard)</caption>
 *   <tr><td>{@value #LEASES}</td><td>hash: node → the epoch ms its lease expires at (by its own clock); after a
 *       clean stop, minus the epoch ms it stopped at</td></tr>
 *   <tr><td>{@value #CLAIMS}</td><td>hash: dead node → {@code claimer|until}</td></tr>
 * </table>
 *
 * <p>A lease carries an expiry time from the renewing node's clock, compared with the checking node's:
 * node clocks must agree to well within the lease TTL (NTP does). One renewal is one Redis command.
 * A renewal only renews a lease that is still the node's own: once it expired (the node could not
 * reach Redis for a TTL) other nodes may be cleaning up after it, so the renewal says {@code lost} and
 * the node goes on under a new id.
 */
public final class NodeLeases {
    static final String LEASES = "beacon:{nodes}:leases";
    static final String CLAIMS = "beacon:{nodes}:claims";

    /**
     * A node whose lease expired: its last sign of life (its last renewal, or its clean stop) and when
     * the lease ended (by the dead node's clock: its last renewal + TTL, or its clean stop).
     */
    public record DeadNode(String nodeId, long lastSignOfLifeMillis, long expiredAtMillis) {
    }

    /** What a renewal found: whether this node's lease was lost, and the dead nodes this node now cleans up. */
    public record Renewal(boolean lost, List<DeadNode> dead) {
    }

    /** What a node held sessions in, from the store's index. */
    public record Held(Set<String> users, Set<String> rooms) {
    }

    private final RedisClusterAsyncCommands<String, String> redis;
    private final long ttlMillis;

    public NodeLeases(RedisConnection connection, long ttlMillis) {
        this.redis = Objects.requireNonNull(connection, "connection").commands();
        if (ttlMillis < 1) {
            throw new IllegalArgumentException("ttlMillis must be >= 1, was " + ttlMillis);
        }
        this.ttlMillis = ttlMillis;
    }

    public long ttlMillis() {
        return ttlMillis;
    }

    /**
     * Renews {@code nodeId}'s lease until {@code now + ttl}, and claims the dead nodes for
     * {@code claimMillis}.
     *
     * @param held whether {@code nodeId} held a lease already: then a lease that expired, vanished or
     *             was claimed is not renewed but reported {@linkplain Renewal#lost() lost}; else an id
     *             that has a lease already (another node's, or a dead one's) is reported lost
     */
    public CompletableFuture<Renewal> renew(String nodeId, boolean held, long nowMillis, long claimMillis) {
        Objects.requireNonNull(nodeId, "nodeId");
        CompletableFuture<List<Object>> run = Script.LEASE.run(redis, ScriptOutputType.MULTI, new String[] {LEASES, CLAIMS}, nodeId,
                Long.toString(nowMillis + ttlMillis), Long.toString(nowMillis), Long.toString(claimMillis), held ? "1" : "0");
        return run.thenApply(r -> {
            if ("lost".equals(r.get(0))) {
                return new Renewal(true, List.of());
            }
            List<DeadNode> dead = new ArrayList<>(r.size() / 2);
            for (int i = 1; i + 1 < r.size(); i += 2) {
                long lease = Long.parseLong((String) r.get(i + 1));
                dead.add(lease < 0 ? new DeadNode((String) r.get(i), -lease, -lease) : new DeadNode((String) r.get(i), lease - ttlMillis, lease));
            }
            return new Renewal(false, dead);
        });
    }

    /** Ends {@code nodeId}'s lease now (a clean stop): the others clean up after it as after a dead node. */
    public CompletableFuture<Void> expire(String nodeId, long nowMillis) {
        return redis.hset(LEASES, nodeId, Long.toString(-nowMillis)).toCompletableFuture().thenApply(x -> null);
    }

    /** The users and rooms a node held sessions in. */
    public CompletableFuture<Held> held(String node) {
        CompletableFuture<Set<String>> users = redis.smembers(RedisPresenceStore.nodeUsersKey(node)).toCompletableFuture();
        CompletableFuture<Set<String>> rooms = redis.smembers(RedisPresenceStore.nodeRoomsKey(node)).toCompletableFuture();
        return users.thenCombine(rooms, Held::new);
    }

    /** Forgets a node cleaned up: its lease, claim and indexes. */
    public CompletableFuture<Void> forget(String node) {
        return CompletableFuture.allOf(
                redis.hdel(LEASES, node).toCompletableFuture(),
                redis.hdel(CLAIMS, node).toCompletableFuture(),
                redis.del(RedisPresenceStore.nodeUsersKey(node)).toCompletableFuture(),
                redis.del(RedisPresenceStore.nodeRoomsKey(node)).toCompletableFuture());
    }
}
