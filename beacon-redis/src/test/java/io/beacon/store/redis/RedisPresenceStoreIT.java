package io.beacon.store.redis;

import io.beacon.presence.PresenceStore;
import io.beacon.presence.PresenceStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link PresenceStore} contract on a real redis-server the test starts on a free port. */
class RedisPresenceStoreIT extends PresenceStoreContract {
    private static RedisServers.Server redis;
    private static RedisConnection connection;

    @BeforeAll
    static void startRedis() {
        redis = RedisServers.start();
        connection = RedisConnection.connect(RedisConnection.Options.standalone(redis.uri()));
    }

    @AfterAll
    static void stopRedis() {
        connection.close();
        redis.close();
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
