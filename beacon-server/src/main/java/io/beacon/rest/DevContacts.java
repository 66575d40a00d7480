package io.beacon.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.auth.AuthException;
import io.beacon.auth.Principal;
import io.beacon.auth.TokenVerifier;
import io.beacon.engine.PresenceEngine;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.protocol.ClientMessages;
import io.beacon.settings.SettingsStore;
import io.beacon.transport.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Mutual contacts for the demo page: {@code POST /v1/dev/contacts} with a client token. Under the
 * default visibility ({@code contacts}) a user sees another only when that user has them as a
 * contact; the backend decides that in production ({@code PATCH /v1/users/{id}/contacts} with the API
 * key). The demo has no backend, so in dev mode on loopback — the rules of {@link DevTokens} — a
 * signed-in user may make contacts both ways: each name in {@code add} gets the caller as a contact
 * and the caller gets each of them; {@code remove} undoes both directions.
 *
 * <p>The answer is the caller's contacts after the change, {@code {"user_id", "user_ids"}} as for
 * {@code GET /v1/users/{id}/contacts}; an empty body ({@code {}}) just reads them. Once the writes are
 * committed every user whose contacts changed is given to the engine's {@code settingsChanged}, so
 * their live viewers get their new view at once.
 */
public final class DevContacts {
    /** The most names in {@code add} and {@code remove} together: a demo's contact list, not a bulk import. */
    public static final int MAX_NAMES = 100;

    private static final Set<String> FIELDS = Set.of("add", "remove");

    private final DevTokens guard;
    private final TokenVerifier verifier;
    private final SettingsStore settings;
    private final PresenceEngine engine;
    private final Executor engineThread;
    private final ClientMessages parser;

    /**
     * @param guard        says whether a request may use the dev endpoints (dev mode, loopback)
     * @param verifier     checks the caller's client token
     * @param engineThread the engine's thread, where {@code settingsChanged} runs
     */
    public DevContacts(DevTokens guard, TokenVerifier verifier, SettingsStore settings, PresenceEngine engine,
                       Executor engineThread, ClientMessages parser) {
        this.guard = guard;
        this.verifier = verifier;
        this.settings = settings;
        this.engine = engine;
        this.engineThread = engineThread;
        this.parser = parser;
    }

    /** {@code POST /v1/dev/contacts {add?, remove?}} with {@code Authorization: Bearer <client token>}. */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        String why = guard.refusal(ctx, req);
        if (why != null) {
            HttpResponses.error(ctx, req, BeaconError.notFound("dev contacts follow the rules of dev tokens: " + why));
            return;
        }
        try {
            String me = caller(req);
            JsonNode body = RestApi.body(req);
            JsonBodies.onlyFields(body, FIELDS, "");
            List<String> add = others(body, "add", me);
            List<String> remove = others(body, "remove", me);
            for (String id : add) {
                if (remove.contains(id)) {
                    throw BeaconError.badRequest("\"" + id + "\" is in both \"add\" and \"remove\"");
                }
            }
            if (add.size() + remove.size() > MAX_NAMES) {
                throw BeaconError.tooLarge("\"add\" and \"remove\" hold " + (add.size() + remove.size())
                        + " names together; the limit is " + MAX_NAMES + " per call");
            }
            RestApi.reply(ctx, req, patch(me, add, remove).thenCompose(v -> settings.contacts(me))
                    .thenApply(ids -> UsersApi.idsJson(me, ids)), "the settings store failed; some contacts may have changed, send it again");
        } catch (BeaconError e) {
            HttpResponses.error(ctx, req, e);
        }
    }

    /** The user the request's client token names; 401 without a valid one. */
    private String caller(FullHttpRequest req) {
        String token = HttpResponses.bearer(req);
        if (token == null) {
            throw new BeaconError(ErrorCode.UNAUTHORIZED,
                    "missing Authorization: Bearer <client token> (the token of the user whose contacts change)");
        }
        try {
            Principal p = verifier.verify(token);
            return p.userId();
        } catch (AuthException e) {
            throw new BeaconError(e.errorCode(), e.getMessage());
        }
    }

    /** The names of array field {@code field}, checked, without the caller (nobody is their own contact). */
    private List<String> others(JsonNode body, String field, String me) {
        List<String> ids = new ArrayList<>(JsonBodies.userIds(body, field, false, MAX_NAMES, parser));
        ids.remove(me);
        return ids;
    }

    /**
     * Writes both directions, then — whether every write succeeded or not — tells the engine about each
     * user whose contacts may have changed.
     */
    private CompletableFuture<Void> patch(String me, List<String> add, List<String> remove) {
        if (add.isEmpty() && remove.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> writes = new ArrayList<>(1 + add.size() + remove.size());
        writes.add(settings.patchContacts(me, add, remove));
        for (String other : add) {
            writes.add(settings.patchContacts(other, List.of(me), List.of()));
        }
        for (String other : remove) {
            writes.add(settings.patchContacts(other, List.of(), List.of(me)));
        }
        Set<String> touched = new LinkedHashSet<>();
        touched.add(me);
        touched.addAll(add);
        touched.addAll(remove);
        CompletableFuture<Void> all = CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
        return all.whenComplete((v, failure) -> engineThread.execute(() -> touched.forEach(engine::settingsChanged)));
    }
}
