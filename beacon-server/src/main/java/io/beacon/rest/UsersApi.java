package io.beacon.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.engine.PresenceEngine;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.presence.CustomStatus;
import io.beacon.protocol.ClientMessages;
import io.beacon.settings.LastSeenPrecision;
import io.beacon.settings.SettingsStore;
import io.beacon.settings.Visibility;
import io.beacon.transport.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The backend's per-user API (API key): privacy settings, contacts, blocks and force-disconnect.
 * A write is answered only once the settings store has committed it; then every live subscription
 * of the user's watchers gets its new view (the engine's {@code settingsChanged}).
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET|PUT /v1/users/{id}/settings}</td><td>visibility and last-seen policy (PUT replaces them)</td></tr>
 *   <tr><td>{@code GET|PUT|PATCH /v1/users/{id}/contacts}</td><td>PUT {@code {user_ids}} replaces; PATCH {@code {add, remove}}</td></tr>
 *   <tr><td>{@code GET|PUT|PATCH /v1/users/{id}/blocks}</td><td>the same for blocks</td></tr>
 *   <tr><td>{@code DELETE /v1/users/{id}/sessions}</td><td>ends every session of the user now (close 4005)</td></tr>
 * </table>
 */
public final class UsersApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SETTINGS_FIELDS = Set.of("visibility", "last_seen");
    private static final Set<String> LAST_SEEN_FIELDS = Set.of("visibility", "precision");

    private final SettingsStore settings;
    private final PresenceEngine engine;
    private final Executor engineThread;
    private final ClientMessages parser;
    private final Visibility defaultVisibility;
    private final int maxIds;
    private final java.util.function.LongSupplier clockMillis;

    public UsersApi(SettingsStore settings, PresenceEngine engine, Executor engineThread, ClientMessages parser,
                    Visibility defaultVisibility, int maxIdsPerCall, java.util.function.LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.settings = settings;
        this.engine = engine;
        this.engineThread = engineThread;
        this.parser = parser;
        this.defaultVisibility = defaultVisibility;
        this.maxIds = maxIdsPerCall;
    }

    /** Routes {@code /v1/users/{id}/{what}}; the API key was already checked. */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req, String userId, String what) {
        HttpMethod m = req.method();
        try {
            parser.checkUserId(userId, "user id");
            switch (what) {
                case "settings" -> {
                    if (m.equals(HttpMethod.GET)) {
                        reply(ctx, req, settingsJson(userId));
                    } else if (m.equals(HttpMethod.PUT)) {
                        putSettings(ctx, req, userId);
                    } else {
                        throw methods(m, "GET, PUT");
                    }
                }
                case "contacts", "blocks" -> {
                    boolean contacts = what.equals("contacts");
                    if (m.equals(HttpMethod.GET)) {
                        reply(ctx, req, (contacts ? settings.contacts(userId) : settings.blocks(userId))
                                .thenApply(ids -> idsJson(userId, ids)));
                    } else if (m.equals(HttpMethod.PUT)) {
                        List<String> ids = ids(body(req, Set.of("user_ids")), "user_ids", true);
                        write(ctx, req, userId, () -> contacts ? settings.setContacts(userId, ids) : settings.setBlocks(userId, ids),
                                () -> (contacts ? settings.contacts(userId) : settings.blocks(userId)).thenApply(s -> idsJson(userId, s)));
                    } else if (m.equals(HttpMethod.PATCH)) {
                        JsonNode body = body(req, Set.of("add", "remove"));
                        List<String> add = ids(body, "add", false);
                        List<String> remove = ids(body, "remove", false);
                        if (add.size() + remove.size() > maxIds) {
                            throw BeaconError.tooLarge("\"add\" and \"remove\" hold " + (add.size() + remove.size())
                                    + " ids together; the limit is " + maxIds + " per call");
                        }
                        write(ctx, req, userId,
                                () -> contacts ? settings.patchContacts(userId, add, remove) : settings.patchBlocks(userId, add, remove),
                                () -> (contacts ? settings.contacts(userId) : settings.blocks(userId)).thenApply(s -> idsJson(userId, s)));
                    } else {
                        throw methods(m, "GET, PUT, PATCH");
                    }
                }
                case "sessions" -> {
                    if (!m.equals(HttpMethod.DELETE)) {
                        throw methods(m, "DELETE");
                    }
                    engineThread.execute(() -> engine.disconnectUser(userId));
                    HttpResponses.json(ctx, req, HttpResponseStatus.ACCEPTED,
                            "{\"user_id\":" + HttpResponses.quote(userId) + ",\"status\":\"disconnecting\"}");
                }
                default -> throw BeaconError.notFound("no such endpoint: /v1/users/{id}/" + what
                        + " (settings, contacts, blocks, sessions)");
            }
        } catch (BeaconError e) {
            HttpResponses.error(ctx, req, e);
        }
    }

    private static BeaconError methods(HttpMethod m, String allowed) {
        return BeaconError.badRequest("method " + m + " is not allowed here; use " + allowed);
    }

    private void putSettings(ChannelHandlerContext ctx, FullHttpRequest req, String userId) {
        JsonNode body = body(req, SETTINGS_FIELDS);
        Visibility visibility = visibility(body.get("visibility"), "visibility");
        Visibility lastSeenVisibility = null;
        LastSeenPrecision precision = LastSeenPrecision.EXACT;
        JsonNode ls = body.get("last_seen");
        if (ls != null && !ls.isNull()) {
            if (!ls.isObject()) {
                throw BeaconError.badRequest("\"last_seen\" must be an object {visibility?, precision?}");
            }
            JsonBodies.onlyFields(ls, LAST_SEEN_FIELDS, "last_seen.");
            lastSeenVisibility = visibility(ls.get("visibility"), "last_seen.visibility");
            JsonNode p = ls.get("precision");
            if (p != null && !p.isNull()) {
                precision = p.isTextual() ? LastSeenPrecision.fromWire(p.textValue()) : null;
                if (precision == null) {
                    throw BeaconError.badRequest("\"last_seen.precision\" must be \"exact\" or \"approximate\"");
                }
            }
        }
        Visibility v = visibility;
        Visibility lsv = lastSeenVisibility;
        LastSeenPrecision pr = precision;
        write(ctx, req, userId, () -> settings.setPrivacy(userId, v, lsv, pr), () -> settingsJson(userId));
    }

    private static Visibility visibility(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return null;
        }
        Visibility v = n.isTextual() ? Visibility.fromWire(n.textValue()) : null;
        if (v == null) {
            throw BeaconError.badRequest("\"" + field + "\" must be one of everyone, contacts, nobody (or null for the server default)");
        }
        return v;
    }

    /** Commits the write, tells the engine, then answers with the fresh state. */
    private void write(ChannelHandlerContext ctx, FullHttpRequest req, String userId, Supplier<CompletableFuture<Void>> write,
                       Supplier<CompletableFuture<byte[]>> answer) {
        reply(ctx, req, write.get().thenCompose(v -> {
            engineThread.execute(() -> engine.settingsChanged(userId));
            return answer.get().exceptionally(e -> {
                throw new BeaconError(ErrorCode.INTERNAL, "the change was saved but could not be read back; GET it again");
            });
        }));
    }

    private CompletableFuture<byte[]> settingsJson(String userId) {
        return settings.get(userId).thenApply(s -> json(g -> {
            g.writeStartObject();
            g.writeStringField("user_id", userId);
            writeVisibility(g, "visibility", s.visibility());
            g.writeObjectFieldStart("last_seen");
            writeVisibility(g, "visibility", s.lastSeenVisibility());
            g.writeStringField("precision", s.lastSeenPrecision().wire());
            g.writeEndObject();
            g.writeStringField("default_visibility", defaultVisibility.wire());
            g.writeStringField("status", s.manual().wire());
            CustomStatus c = s.customStatus();
            if (c != null && !c.expiredAt(clockMillis.getAsLong())) {
                g.writeObjectFieldStart("custom_status");
                g.writeStringField("text", c.text());
                if (c.emoji() != null) {
                    g.writeStringField("emoji", c.emoji());
                }
                if (c.expiresAt() != 0) {
                    g.writeNumberField("expires_at", c.expiresAt());
                }
                g.writeEndObject();
            }
            if (s.lastSeen() != 0) {
                g.writeNumberField("last_seen_at", s.lastSeen());
            }
            g.writeEndObject();
        }));
    }

    private static void writeVisibility(JsonGenerator g, String field, Visibility v) throws IOException {
        if (v == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, v.wire());
        }
    }

    /** {@code {"user_id", "user_ids"}} with the ids sorted: the answer about a user's contacts or blocks. */
    static byte[] idsJson(String userId, Set<String> ids) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("user_id", userId);
            g.writeArrayFieldStart("user_ids");
            for (String id : new TreeSet<>(ids)) {
                g.writeString(id);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private List<String> ids(JsonNode body, String field, boolean required) {
        return JsonBodies.userIds(body, field, required, maxIds, parser);
    }

    private static JsonNode body(FullHttpRequest req, Set<String> allowed) {
        JsonNode body = RestApi.body(req);
        JsonBodies.onlyFields(body, allowed, "");
        return body;
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void reply(ChannelHandlerContext ctx, FullHttpRequest req, CompletableFuture<byte[]> body) {
        RestApi.reply(ctx, req, body, "the settings store failed; nothing was changed");
    }
}
