package io.beacon.metrics;

import io.beacon.engine.EngineStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's metrics in Prometheus text format. Gauges read the engine's {@link EngineStats}; the
 * transports count frames in {@link #messagesIn} and {@link #messagesOut} (one {@code LongAdder}
 * increment per frame, no tags, so the hot path stays cheap).
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>name</th><th>type</th></tr>
 *   <tr><td>beacon_connections</td><td>gauge: open client connections</td></tr>
 *   <tr><td>beacon_sessions</td><td>gauge: sessions, live or inside the offline grace</td></tr>
 *   <tr><td>beacon_online_users</td><td>gauge: users with a live session on this node</td></tr>
 *   <tr><td>beacon_watched_users</td><td>gauge: users watched by local subscriptions</td></tr>
 *   <tr><td>beacon_messages_in_total</td><td>counter: client frames received</td></tr>
 *   <tr><td>beacon_messages_out_total</td><td>counter: messages sent to clients</td></tr>
 *   <tr><td>beacon_presence_changes_total</td><td>counter: presence changes published</td></tr>
 *   <tr><td>beacon_presence_deliveries_total</td><td>counter: presence updates delivered</td></tr>
 *   <tr><td>beacon_sessions_resumed_total</td><td>counter: resumes inside the grace</td></tr>
 *   <tr><td>beacon_sessions_expired_total</td><td>counter: sessions dropped by the TTL</td></tr>
 *   <tr><td>beacon_errors_total</td><td>counter: error messages sent to clients</td></tr>
 *   <tr><td>beacon_rooms</td><td>gauge: rooms with local members</td></tr>
 *   <tr><td>beacon_room_members</td><td>gauge: local sessions in rooms</td></tr>
 *   <tr><td>beacon_room_changes_total</td><td>counter: room changes stored and published</td></tr>
 *   <tr><td>beacon_room_messages_total</td><td>counter: room snapshots and diffs sent</td></tr>
 *   <tr><td>beacon_room_reloads_total</td><td>counter: rooms reloaded after a missed change</td></tr>
 *   <tr><td>beacon_signals_total</td><td>counter: room signals delivered</td></tr>
 *   <tr><td>beacon_redis_up</td><td>gauge, cluster mode: 1 while Redis answers the node's lease renewals</td></tr>
 * </table>
 */
public final class BeaconMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder messagesOut = new LongAdder();
    public final LongAdder errors = new LongAdder();

    public BeaconMetrics(EngineStats stats) {
        this(stats, null);
    }

    /** @param redisHealthy cluster mode: whether Redis answers ({@code beacon_redis_up}); {@code null} on a single node */
    public BeaconMetrics(EngineStats stats, java.util.function.BooleanSupplier redisHealthy) {
        if (redisHealthy != null) {
            Gauge.builder("beacon.redis.up", redisHealthy, h -> h.getAsBoolean() ? 1 : 0)
                    .description("cluster mode: 1 while Redis answers this node's lease renewals").strongReference(true).register(registry);
        }
        Gauge.builder("beacon.connections", stats, EngineStats::connections).description("open client connections").strongReference(true).register(registry);
        Gauge.builder("beacon.sessions", stats, EngineStats::sessions).description("sessions, live or inside the offline grace").strongReference(true).register(registry);
        Gauge.builder("beacon.online.users", stats, EngineStats::onlineUsers).description("users with a live session on this node").strongReference(true).register(registry);
        Gauge.builder("beacon.watched.users", stats, EngineStats::watchedUsers).description("users watched by local subscriptions").strongReference(true).register(registry);
        FunctionCounter.builder("beacon.messages.in", messagesIn, LongAdder::sum).description("client frames received").register(registry);
        FunctionCounter.builder("beacon.messages.out", messagesOut, LongAdder::sum).description("messages sent to clients").register(registry);
        FunctionCounter.builder("beacon.errors", errors, LongAdder::sum).description("error messages sent to clients").register(registry);
        FunctionCounter.builder("beacon.presence.changes", stats, EngineStats::presenceChanges).description("presence changes published").register(registry);
        FunctionCounter.builder("beacon.presence.deliveries", stats, EngineStats::deliveries).description("presence updates delivered to subscribers").register(registry);
        FunctionCounter.builder("beacon.sessions.resumed", stats, EngineStats::resumes).description("sessions resumed inside the offline grace").register(registry);
        FunctionCounter.builder("beacon.sessions.expired", stats, EngineStats::expiredSessions).description("sessions dropped after the session TTL").register(registry);
        Gauge.builder("beacon.rooms", stats, EngineStats::rooms).description("rooms with local members").strongReference(true).register(registry);
        Gauge.builder("beacon.room.members", stats, EngineStats::roomMembers).description("local sessions in rooms").strongReference(true).register(registry);
        FunctionCounter.builder("beacon.room.changes", stats, EngineStats::roomChanges).description("room changes stored and published").register(registry);
        FunctionCounter.builder("beacon.room.messages", stats, EngineStats::roomDiffs).description("room snapshots and diffs sent").register(registry);
        FunctionCounter.builder("beacon.room.reloads", stats, EngineStats::roomReloads).description("rooms reloaded after a missed change").register(registry);
        FunctionCounter.builder("beacon.signals", stats, EngineStats::signals).description("room signals delivered").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
