package io.beacon.store.redis;

import io.beacon.presence.PresenceStore;
import io.beacon.presence.PresenceStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link PresenceStore} contract on a 3-master Redis Cluster made with {@code redis-cli --cluster create}. */
class RedisClusterPresenceStoreIT extends PresenceStoreContract {
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

    /** A user's sessions are one record, read and written whole: 800 sessions keep this test to a second. */
    @Override
    protected int sessionsPerThreadOfOneUser() {
        return 100;
    }

    @Override
    protected PresenceStore newStore() {
        return new RedisPresenceStore(connection);
    }
}
