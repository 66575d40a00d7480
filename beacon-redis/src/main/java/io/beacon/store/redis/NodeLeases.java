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
 *   <tr><td>{@value #LEASES}</td><td>hash: node → the epoch ms its lease expires at (by its own clock)</td></tr>
 *   <tr><td>{@value #CLAIMS}</td><td>hash: dead node → {@code claimer|until}</td></tr>
 * </table>
 *
 * <p>A lease carries an expiry time from the renewing node's clock, compared with the checking node's:
 * node clocks must agree to well within the lease TTL (NTP does). One renewal is one Redis command.
 */
public final class NodeLeases {
    static final String LEASES = "beacon:{nodes}:leases";
    static final String CLAIMS = "beacon:{nodes}:claims";

    /** A node whose lease expired, and when it did. */
    public record DeadNode(String nodeId, long expiredAtMillis) {
    }

    /** What a node held sessions in, from the store's index. */
    public record Held(Set<String> users, Set<String> rooms) {
    }

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String nodeId;
    private final long ttlMillis;

    public NodeLeases(RedisConnection connection, String nodeId, long ttlMillis) {
        this.redis = Objects.requireNonNull(connection, "connection").commands();
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        if (ttlMillis < 1) {
            throw new IllegalArgumentException("ttlMillis must be >= 1, was " + ttlMillis);
        }
        this.ttlMillis = ttlMillis;
    }

    public String nodeId() {
        return nodeId;
    }

    public long ttlMillis() {
        return ttlMillis;
    }

    /** Renews this node's lease until {@code now + ttl}; returns the dead nodes this node now cleans up. */
    public CompletableFuture<List<DeadNode>> renew(long nowMillis) {
        long claimFor = Math.max(30_000, 6 * ttlMillis);
        CompletableFuture<List<Object>> run = Script.LEASE.run(redis, ScriptOutputType.MULTI, new String[] {LEASES, CLAIMS}, nodeId,
                Long.toString(nowMillis + ttlMillis), Long.toString(nowMillis), Long.toString(claimFor));
        return run.thenApply(r -> {
            List<DeadNode> dead = new ArrayList<>(r.size() / 2);
            for (int i = 0; i + 1 < r.size(); i += 2) {
                dead.add(new DeadNode((String) r.get(i), Long.parseLong((String) r.get(i + 1))));
            }
            return dead;
        });
    }

    /** Ends this node's lease now (a clean stop): the others clean up after it as after a dead node. */
    public CompletableFuture<Void> expire(long nowMillis) {
        return redis.hset(LEASES, nodeId, Long.toString(nowMillis - 1)).toCompletableFuture().thenApply(x -> null);
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
