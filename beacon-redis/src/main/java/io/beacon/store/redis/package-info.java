/**
 * Cluster mode on Redis: the {@link io.beacon.store.redis.RedisPresenceStore} and
 * {@link io.beacon.store.redis.RedisBus} that let several Beacon nodes act as one, on a standalone
 * Redis or a Redis Cluster (every key and channel of a user or room carries its id as a hash tag, so
 * it lives on one shard; channels are sharded pub/sub there), and the
 * {@link io.beacon.store.redis.ClusterNode} that keeps this node's lease, cleans up after dead nodes
 * and re-publishes this node's state after a Redis outage.
 */
package io.beacon.store.redis;
