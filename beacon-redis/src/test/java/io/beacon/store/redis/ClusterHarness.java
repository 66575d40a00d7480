package io.beacon.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.engine.EngineOptions;
import io.beacon.engine.PresenceEngine;
import io.beacon.engine.RecordingConnection;
import io.beacon.privacy.Projection;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.ProtocolLimits;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.time.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Engines sharing one real Redis (started per test on a free port), each on its own thread, all on one
 * fake clock: the harness of the cluster tests. A node's privacy rules can be slowed, its settings
 * store made to fail, and its room joins delayed or made to time out after Redis applied them.
 */
abstract class ClusterHarness {
    static final long TTL = 5_000;
    static final long GRACE = 5_000;
    static final ClientMessages PARSER = new ClientMessages(ProtocolLimits.DEFAULTS);

    final FakeTicker ticker = new FakeTicker();
    final InMemorySettingsStore settings = new InMemorySettingsStore();
    RedisServers.Server redis;
    final List<Node> nodes = new ArrayList<>();

    /** One node: an engine on its own thread, its Redis store and bus, its lease. */
    final class Node implements AutoCloseable {
        final String id;
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        final RedisConnection connection;
        final RedisBus bus;
        final PresenceEngine engine;
        final ClusterNode cluster;

        /** Privacy rules take this long to load (as from a database after a cache was emptied). */
        final java.util.concurrent.atomic.AtomicLong rulesDelayMs = new java.util.concurrent.atomic.AtomicLong();
        /** Slowed rule loads not answered yet. */
        final java.util.concurrent.atomic.AtomicInteger slowRulesPending = new java.util.concurrent.atomic.AtomicInteger();
        /** The settings store fails every read (a database blip). */
        final java.util.concurrent.atomic.AtomicBoolean settingsFail = new java.util.concurrent.atomic.AtomicBoolean();
        /** A Join that Redis applies but whose answer times out. */
        final java.util.concurrent.atomic.AtomicBoolean joinTimesOutAfterApply = new java.util.concurrent.atomic.AtomicBoolean();
        /** A Join held this long before it is sent (in flight). */
        final java.util.concurrent.atomic.AtomicLong joinDelayMs = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicInteger joinsHeld = new java.util.concurrent.atomic.AtomicInteger();

        Node(String id) {
            this.id = id;
            Projection slow = new Projection() {
                @Override
                public java.util.concurrent.CompletableFuture<io.beacon.privacy.PrivacyRules> rules(String targetId) {
                    long d = rulesDelayMs.get();
                    java.util.concurrent.CompletableFuture<io.beacon.privacy.PrivacyRules> f = Projection.PUBLIC.rules(targetId);
                    if (d == 0) {
                        return f;
                    }
                    slowRulesPending.incrementAndGet();
                    return f.thenApplyAsync(r -> r, java.util.concurrent.CompletableFuture.delayedExecutor(d, TimeUnit.MILLISECONDS))
                            .whenComplete((r, e) -> slowRulesPending.decrementAndGet());
                }

                @Override
                public io.beacon.presence.Presence project(String viewerId, io.beacon.presence.Presence target, io.beacon.privacy.PrivacyRules rules) {
                    return Projection.PUBLIC.project(viewerId, target, rules);
                }
            };
            io.beacon.settings.SettingsStore store = (io.beacon.settings.SettingsStore) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {io.beacon.settings.SettingsStore.class}, (proxy, m, args) -> {
                        if (m.getName().equals("get") && settingsFail.get()) {
                            return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("database blip"));
                        }
                        try {
                            return m.invoke(settings, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            connection = RedisConnection.connect(RedisConnection.Options.standalone(redis.uri()).withCommandTimeout(Duration.ofMillis(500)));
            bus = new RedisBus(connection);
            engine = new PresenceEngine(EngineOptions.builder().nodeId(id).offlineGraceMs(GRACE).build(), ticker, thread,
                    wrap(new RedisPresenceStore(connection)), store, bus, slow);
            cluster = new ClusterNode(engine, thread, connection, new NodeLeases(connection, TTL), bus, ticker, TTL, GRACE);
        }

        io.beacon.presence.PresenceStore wrap(io.beacon.presence.PresenceStore real) {
            return (io.beacon.presence.PresenceStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {io.beacon.presence.PresenceStore.class}, (proxy, m, args) -> {
                        if (m.getName().equals("updateRoom") && args[1] instanceof io.beacon.rooms.RoomUpdate.Join) {
                            if (joinTimesOutAfterApply.get()) {
                                return real.updateRoom((String) args[0], (io.beacon.rooms.RoomUpdate) args[1], (Long) args[2])
                                        .thenCompose(c -> java.util.concurrent.CompletableFuture.failedFuture(
                                                new io.lettuce.core.RedisCommandTimeoutException("timed out after Redis applied it")));
                            }
                            long d = joinDelayMs.get();
                            if (d > 0) {
                                joinsHeld.incrementAndGet();
                                return java.util.concurrent.CompletableFuture.runAsync(() -> { },
                                        java.util.concurrent.CompletableFuture.delayedExecutor(d, TimeUnit.MILLISECONDS))
                                        .thenCompose(v -> real.updateRoom((String) args[0], (io.beacon.rooms.RoomUpdate) args[1], (Long) args[2]));
                            }
                        }
                        try {
                            return m.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        <T> T call(Supplier<T> work) {
            try {
                return thread.submit(work::get).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        void run(Runnable work) {
            call(() -> {
                work.run();
                return null;
            });
        }

        RecordingConnection connect(String user, List<String> rooms) {
            return connect(user, "web", rooms);
        }

        RecordingConnection connect(String user, String device, List<String> rooms) {
            RecordingConnection c = new RecordingConnection();
            run(() -> {
                c.touch(ticker.nanos());
                engine.connectionOpened(c);
                engine.hello(c, user, null, rooms,
                        (ClientMessage.Hello) PARSER.parse("{\"type\":\"hello\",\"token\":\"t\",\"device\":\"" + device + "\"}"));
            });
            return c;
        }

        void send(RecordingConnection c, String json) {
            run(() -> {
                c.touch(ticker.nanos());
                engine.message(c, PARSER.parse(json));
            });
        }

        /** What a connection received, read on the engine thread. */
        List<JsonNode> received(RecordingConnection c, String type) {
            return call(() -> c.ofType(type));
        }

        /** Everything queued on the engine thread has run, and the clock has moved for the wheel. */
        void tick() {
            try {
                cluster.tick().get(5, TimeUnit.SECONDS); // as if the step took long enough for Redis to answer
            } catch (Exception e) {
                // a renewal that fails (Redis down) is what some tests want
            }
            run(engine::tick);
        }

        /** Dies without a word: no lease renewal, no cleanup, connections gone. */
        void kill() {
            thread.shutdownNow();
            bus.close();
            connection.close();
        }

        @Override
        public void close() {
            thread.shutdownNow();
            bus.close();
            connection.close();
        }
    }

    @BeforeEach
    void start() {
        redis = RedisServers.start();
    }

    @AfterEach
    void stop() {
        for (Node n : nodes) {
            try {
                n.close();
            } catch (RuntimeException ignored) {
                // already killed
            }
        }
        redis.close();
    }

    Node node(String id) {
        Node n = new Node(id);
        nodes.add(n);
        n.tick();
        return n;
    }

    static String lastStatus(List<JsonNode> presences, String user) {
        String status = null;
        for (JsonNode p : presences) {
            if (p.path("user_id").asText().equals(user)) {
                status = p.path("status").asText();
            }
        }
        return status;
    }

    void await(String what, Supplier<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(condition::get);
    }

    /** Like {@link #advance}, on nodes a and b, with alice and bob sending frames all along (they stay connected). */
    void advanceConnected(Duration d, Node a, RecordingConnection alice, Node b, RecordingConnection bob) {
        for (long left = d.toMillis(); left > 0; left -= 250) {
            ticker.advanceMillis(Math.min(250, left));
            b.run(() -> bob.touch(ticker.nanos()));
            a.run(() -> alice.touch(ticker.nanos()));
            a.tick();
            b.tick();
        }
    }

    /** Moves the clock in steps, ticking every live node, as the server's periodic task does. */
    void advance(Duration d, Node... live) {
        long left = d.toMillis();
        while (left > 0) {
            long step = Math.min(250, left);
            ticker.advanceMillis(step);
            for (Node n : live) {
                n.tick();
            }
            left -= step;
        }
    }


    /** A user's presence as stored in Redis, read through a node (not a watcher's view). */
    static String stored(Node n, String user) {
        return n.call(() -> n.engine.read(null, List.of(user)).join().get(0).status().wire());
    }

    static int roomCount(Node n, String room) {
        return n.call(() -> n.engine.roomMembers(room, null, 0, 10).join().count());
    }

    /** Alice on node a, bob on node b. */
    record Watching(Node a, Node b, RecordingConnection alice, RecordingConnection bob) {
    }

    /** Alice on node a watches bob on node b (both in room doc:1 if {@code inRoom}); returns once she sees him online (and in it). */
    Watching aliceWatchesBob(boolean inRoom) {
        Node a = node("node-a");
        Node b = node("node-b");
        RecordingConnection alice = a.connect("alice", List.of("*"));
        a.send(alice, "{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"bob\"]}");
        await("alice's snapshot", () -> !a.received(alice, "presence_snapshot").isEmpty());
        if (inRoom) {
            a.send(alice, "{\"type\":\"join\",\"id\":2,\"room\":\"doc:1\"}");
            await("alice in the room", () -> !a.received(alice, "room_snapshot").isEmpty());
        }
        RecordingConnection bob = b.connect("bob", List.of("*"));
        if (inRoom) {
            b.send(bob, "{\"type\":\"join\",\"id\":3,\"room\":\"doc:1\"}");
        }
        await("bob online", () -> "online".equals(lastStatus(a.received(alice, "presence"), "bob")));
        if (inRoom) {
            await("bob in the room", () -> roomCount(a, "doc:1") == 2);
        }
        return new Watching(a, b, alice, bob);
    }

    /** Ticks the nodes until they are all healthy again after Redis came back. */
    void awaitHealthy(Node... live) {
        await("every node ready again", () -> {
            advance(Duration.ofMillis(250), live);
            for (Node n : live) {
                if (!n.cluster.healthy()) {
                    return false;
                }
            }
            return true;
        });
    }


    /** JSON helper for the tests. */
    static final class WsJson {
        static JsonNode tree(String json) {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }
}
