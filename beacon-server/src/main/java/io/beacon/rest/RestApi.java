package io.beacon.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.auth.ApiKeys;
import io.beacon.engine.PresenceEngine;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.Messages;
import io.beacon.transport.HttpResponses;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The backend REST API (API key) and the ops endpoints (open).
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /v1/presence/{user_id}[?viewer=]}</td><td>one presence</td></tr>
 *   <tr><td>{@code POST /v1/presence/query {user_ids, viewer?}}</td><td>{@code {presences:[…]}}</td></tr>
 *   <tr><td>{@code GET /v1/rooms/{room}/members[?limit=&cursor=&viewer=]}</td><td>one page of members in join order:
 *       {@code {room, count, version, members:[…], next_cursor}}</td></tr>
 *   <tr><td>{@code GET /healthz}</td><td>200 while the process serves</td></tr>
 *   <tr><td>{@code GET /readyz}</td><td>200 when ready for traffic, else 503</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>Prometheus text format</td></tr>
 * </table>
 */
public final class RestApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> QUERY_FIELDS = Set.of("user_ids", "viewer");
    private static final String STORE_FAILED = "the presence store failed; try again";

    private final PresenceEngine engine;
    private final ClientMessages parser;
    private final String apiKey;
    private final BeaconMetrics metrics;
    private final BooleanSupplier ready;
    private final int maxIds;

    public RestApi(PresenceEngine engine, ClientMessages parser, String apiKey, BeaconMetrics metrics, BooleanSupplier ready,
                   int maxIdsPerCall) {
        this.maxIds = maxIdsPerCall;
        this.engine = engine;
        this.parser = parser;
        this.apiKey = apiKey;
        this.metrics = metrics;
        this.ready = ready;
    }

    public void healthz(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpResponses.json(ctx, req, HttpResponseStatus.OK, "{\"status\":\"ok\"}");
    }

    public void readyz(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (ready.getAsBoolean()) {
            HttpResponses.json(ctx, req, HttpResponseStatus.OK, "{\"status\":\"ready\"}");
        } else {
            HttpResponses.json(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"not_ready\"}");
        }
    }

    public void metrics(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpResponses.send(ctx, req, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                Unpooled.copiedBuffer(metrics.scrape(), StandardCharsets.UTF_8));
    }

    /** Checks the API key; answers 401 and returns false when it is wrong or missing. */
    public boolean authorized(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (ApiKeys.matches(apiKey, req.headers().get("Authorization"))) {
            return true;
        }
        HttpResponses.error(ctx, req, new BeaconError(ErrorCode.UNAUTHORIZED, "missing or wrong API key: send Authorization: Bearer <api key>"));
        return false;
    }

    /** {@code GET /v1/presence/{user_id}}. */
    public void getPresence(ChannelHandlerContext ctx, FullHttpRequest req, String userId, QueryStringDecoder query) {
        String viewer = param(query, "viewer");
        try {
            parser.checkUserId(userId, "user id");
            if (viewer != null) {
                parser.checkUserId(viewer, "viewer");
            }
        } catch (BeaconError e) {
            HttpResponses.error(ctx, req, e);
            return;
        }
        reply(ctx, req, engine.read(viewer, List.of(userId)).thenApply(views -> Messages.presenceObject(views.get(0))), STORE_FAILED);
    }

    /** {@code POST /v1/presence/query}. */
    public void query(ChannelHandlerContext ctx, FullHttpRequest req) {
        List<String> ids;
        String viewer;
        try {
            JsonNode body = body(req);
            JsonBodies.onlyFields(body, QUERY_FIELDS, "");
            ids = JsonBodies.userIds(body, "user_ids", true, maxIds, parser);
            JsonNode v = body.get("viewer");
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw BeaconError.badRequest("\"viewer\" must be a user id string");
            }
            viewer = v == null || v.isNull() ? null : parser.checkUserId(v.textValue(), "\"viewer\"");
        } catch (BeaconError e) {
            HttpResponses.error(ctx, req, e);
            return;
        }
        reply(ctx, req, engine.read(viewer, ids).thenApply(Messages::presenceList), STORE_FAILED);
    }

    /** Members per page of {@code GET /v1/rooms/{room}/members} unless {@code limit} says otherwise. */
    public static final int DEFAULT_MEMBERS_LIMIT = 100;
    /** The most members one page may hold. */
    public static final int MAX_MEMBERS_LIMIT = 1000;

    /** {@code GET /v1/rooms/{room}/members?limit&cursor&viewer}. */
    public void roomMembers(ChannelHandlerContext ctx, FullHttpRequest req, String room, QueryStringDecoder query) {
        int limit;
        long after;
        String viewer;
        try {
            ClientMessages.checkRoomId(room, "room id");
            String limitParam = param(query, "limit");
            limit = DEFAULT_MEMBERS_LIMIT;
            if (limitParam != null) {
                try {
                    limit = Integer.parseInt(limitParam);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > MAX_MEMBERS_LIMIT) {
                    throw BeaconError.badRequest("limit must be an integer 1.." + MAX_MEMBERS_LIMIT + ", was \"" + abbreviate(limitParam) + "\"");
                }
            }
            String cursor = param(query, "cursor");
            after = 0;
            if (cursor != null) {
                try {
                    after = Long.parseLong(cursor);
                } catch (NumberFormatException e) {
                    after = -1;
                }
                if (after < 1) {
                    throw BeaconError.badRequest("cursor must be the next_cursor of a previous page, was \"" + abbreviate(cursor) + "\"");
                }
            }
            viewer = param(query, "viewer");
            if (viewer != null) {
                parser.checkUserId(viewer, "viewer");
            }
        } catch (BeaconError e) {
            HttpResponses.error(ctx, req, e);
            return;
        }
        reply(ctx, req, engine.roomMembers(room, viewer, after, limit).thenApply(page -> Messages.roomMembersPage(page.room(), page.count(),
                page.version(), page.members(), page.nextAfter() == 0 ? null : Long.toString(page.nextAfter()))), STORE_FAILED);
    }

    private static String param(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    static JsonNode body(FullHttpRequest req) {
        String text = req.content().toString(StandardCharsets.UTF_8);
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw BeaconError.badRequest("malformed JSON body: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw BeaconError.badRequest("the body must be a JSON object");
        }
        return node;
    }

    /** Answers 200 with the body once it is ready; a failure is the {@code BeaconError} it carries, else 500. */
    static void reply(ChannelHandlerContext ctx, FullHttpRequest req, CompletableFuture<byte[]> body, String whatFailed) {
        req.retain();
        body.whenComplete((json, failure) -> ctx.executor().execute(() -> {
            try {
                if (failure != null) {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    HttpResponses.error(ctx, req, cause instanceof BeaconError be ? be : new BeaconError(ErrorCode.INTERNAL, whatFailed));
                } else {
                    HttpResponses.json(ctx, req, HttpResponseStatus.OK, json);
                }
            } finally {
                req.release();
            }
        }));
    }
}
