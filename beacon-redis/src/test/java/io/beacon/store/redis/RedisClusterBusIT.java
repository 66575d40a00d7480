package io.beacon.store.redis;

import io.beacon.bus.Bus;
import io.beacon.bus.BusContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link Bus} contract on sharded pub/sub of a 3-master Redis Cluster. */
class RedisClusterBusIT extends BusContract {
    private static RedisServers.Cluster cluster;
    private static RedisConnection connection;

    @BeforeAll
    static void startCluster() {
        cluster = RedisServers.cluster(3, 0);
        connection = RedisConnection.connect(RedisConnection.Options.cluster(cluster.seeds()));
    }

    @AfterAll
    static void stopCluster() {
        connection.close();
        cluster.close();
    }

    @Override
    protected Bus newBus() {
        return new RedisBus(connection);
    }
}
