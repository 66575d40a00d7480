package io.beacon.store.redis;

import io.beacon.bus.Bus;
import io.beacon.bus.BusContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link Bus} contract on Redis pub/sub, a real redis-server the test starts on a free port. */
class RedisBusIT extends BusContract {
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

    @Override
    protected Bus newBus() {
        return new RedisBus(connection);
    }
}
