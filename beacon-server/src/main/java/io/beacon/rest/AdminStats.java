package io.beacon.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beacon.engine.EngineStats;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.transport.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /v1/admin/stats} (API key): the node's gauges and counters as one JSON object, for the
 * ops page at {@code /admin}, which polls it and turns counter deltas into rates. The same numbers as
 * {@code /metrics}, without the Prometheus parsing.
 */
public final class AdminStats {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EngineStats stats;
    private final BeaconMetrics metrics;
    private final Supplier<String> nodeId;
    private final boolean cluster;
    private final BooleanSupplier ready;
    private final LongSupplier clockMillis;
    private final long startedNanos = System.nanoTime();

    /**
     * @param nodeId      this node's id (it changes in cluster mode after a lost lease)
     * @param cluster     whether the node runs in cluster mode
     * @param ready       what {@code /readyz} answers
     * @param clockMillis the server's clock, for {@code server_time}
     */
    public AdminStats(EngineStats stats, BeaconMetrics metrics, Supplier<String> nodeId, boolean cluster, BooleanSupplier ready,
                      LongSupplier clockMillis) {
        this.stats = stats;
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.cluster = cluster;
        this.ready = ready;
        this.clockMillis = clockMillis;
    }

    /** The stats object; gauges and counters are each a moment old at most. */
    public ObjectNode snapshot() {
        Runtime rt = Runtime.getRuntime();
        ObjectNode o = JSON.createObjectNode();
        o.put("node_id", nodeId.get());
        o.put("cluster", cluster);
        o.put("ready", ready.getAsBoolean());
        o.put("server_time", clockMillis.getAsLong());
        o.put("uptime_ms", (System.nanoTime() - startedNanos) / 1_000_000);
        o.put("connections", stats.connections());
        o.put("sessions", stats.sessions());
        o.put("online_users", stats.onlineUsers());
        o.put("watched_users", stats.watchedUsers());
        o.put("rooms", stats.rooms());
        o.put("room_members", stats.roomMembers());
        o.put("messages_in_total", metrics.messagesIn.sum());
        o.put("messages_out_total", metrics.messagesOut.sum());
        o.put("errors_total", metrics.errors.sum());
        o.put("presence_changes_total", stats.presenceChanges());
        o.put("presence_deliveries_total", stats.deliveries());
        o.put("sessions_resumed_total", stats.resumes());
        o.put("sessions_expired_total", stats.expiredSessions());
        o.put("room_changes_total", stats.roomChanges());
        o.put("room_messages_total", stats.roomDiffs());
        o.put("signals_total", stats.signals());
        o.put("heap_used_bytes", rt.totalMemory() - rt.freeMemory());
        o.put("heap_max_bytes", rt.maxMemory());
        return o;
    }

    /** Answers the request (the caller checked the method and the API key). */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpResponses.json(ctx, req, HttpResponseStatus.OK, snapshot().toString());
    }
}
