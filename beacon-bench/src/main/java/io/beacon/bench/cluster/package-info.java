/**
 * The cluster scenarios: {@code cluster-redis} (what Beacon's cluster mode and the baseline design of the
 * source documents cost one Redis) and {@code cluster} (Beacon nodes on one Redis: cross-node delivery,
 * node death). A private redis-server per run ({@link io.beacon.bench.cluster.RedisServer}), nodes as
 * child processes ({@link io.beacon.bench.cluster.ClusterSystem}), the baseline ported command for command
 * ({@link io.beacon.bench.cluster.BaselinePresence}, {@link io.beacon.bench.cluster.BaselineNode}).
 */
package io.beacon.bench.cluster;
