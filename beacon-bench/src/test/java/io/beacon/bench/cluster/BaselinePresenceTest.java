package io.beacon.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beacon.auth.TokenIssuer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The baseline's command sequences, counted by a private redis-server's INFO commandstats. */
class BaselinePresenceTest {
    static RedisServer redis;
    static BaselinePresence presence;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServer.available(), "redis-server is not installed");
        redis = RedisServer.start();
        presence = new BaselinePresence(redis.uri(), 30);
    }

    @AfterAll
    static void stop() {
        if (presence != null) {
            presence.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aHeartbeatIsSevenCommandsAndOnePublishOnTheGlobalChannel() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        BaselinePresence listener = new BaselinePresence(redis.uri(), 30);
        try {
            listener.subscribe(heard::add).get(5, TimeUnit.SECONDS);
            presence.setOnline("hb-user", "web").get(5, TimeUnit.SECONDS);
            RedisInfo before = redis.info();
            for (int i = 0; i < 10; i++) {
                presence.heartbeat("hb-user", "web").get(5, TimeUnit.SECONDS);
            }
            RedisInfo.Delta d = redis.info().delta(before);
            assertThat(d.calls()).isEqualTo(Map.of("hgetall", 10L, "exists", 10L, "multi", 10L, "hset", 10L, "setex", 10L,
                    "exec", 10L, "publish", 10L));
            assertThat(d.totalCalls() / 10.0).isEqualTo(7.0);
            assertThat(redis.call("TTL", "presence:heartbeat:hb-user")).isEqualTo(30L);
            assertThat(redis.call("HGET", "presence:hb-user", "status")).isEqualTo("online");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (heard.size() < 11 && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling a real server's delivery, not a timing rule
            }
            assertThat(heard).hasSize(11); // set_online and ten heartbeats: every one is published
            BaselinePresence.Info last = BaselinePresence.Info.fromJson(heard.get(10));
            assertThat(last.userId).isEqualTo("hb-user");
            assertThat(last.status).isEqualTo("online");
        } finally {
            listener.close();
        }
    }

    @Test
    void offlineDeletesTheTtlKeyAndWritesWithoutSetex() throws Exception {
        presence.setOnline("off-user", "web").get(5, TimeUnit.SECONDS);
        RedisInfo before = redis.info();
        presence.setOffline("off-user").get(5, TimeUnit.SECONDS);
        RedisInfo.Delta d = redis.info().delta(before);
        assertThat(d.calls()).isEqualTo(Map.of("del", 1L, "multi", 1L, "hset", 1L, "exec", 1L, "publish", 1L));
        assertThat(redis.call("EXISTS", "presence:heartbeat:off-user")).isEqualTo(0L);
        assertThat(presence.getPresence("off-user").get(5, TimeUnit.SECONDS).status).isEqualTo("offline");
    }

    @Test
    void aStatusChangeCarriesTheActivityAndBulkReadsAreOneTransaction() throws Exception {
        presence.setOnline("a", "web").get(5, TimeUnit.SECONDS);
        presence.setActivity("a", "t123").get(5, TimeUnit.SECONDS);
        assertThat(presence.getPresence("a").get(5, TimeUnit.SECONDS).activity).isEqualTo("t123");
        RedisInfo before = redis.info();
        Map<String, BaselinePresence.Info> all = presence.getBulkPresence(List.of("a", "nobody")).get(5, TimeUnit.SECONDS);
        assertThat(all).containsOnlyKeys("a");
        assertThat(redis.info().delta(before).calls()).isEqualTo(Map.of("multi", 1L, "hgetall", 2L, "exists", 2L, "exec", 1L));
    }

    @Test
    void theNodeReadsTheUserFromTheTokensSubject() {
        String token = new TokenIssuer("a-secret-of-at-least-thirty-two-bytes!!", System::currentTimeMillis).issue("u42", Duration.ofHours(1));
        assertThat(BaselineNode.subject(token)).isEqualTo("u42");
    }
}
