package io.beacon.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.SignedJWT;
import io.beacon.auth.TokenIssuer;
import io.beacon.error.BeaconError;
import io.beacon.transport.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Client tokens for the demo page, minted by the server itself — only in dev mode (no
 * {@code jwt_secret}: the secret is the generated one in {@code data_dir}) while the server listens on
 * a loopback address, and only for requests from a loopback address whose {@code Host} is a loopback
 * name (so a page of another site that rebinds its DNS name to 127.0.0.1 gets nothing) and that did not
 * come through a reverse proxy ({@code Forwarded}, {@code X-Forwarded-For}, {@code X-Real-IP}).
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /v1/dev/info}</td><td>{@code {"dev":true}} when this request could mint, else
 *       {@code {"dev":false,"reason":…}}; always 200, no secrets</td></tr>
 *   <tr><td>{@code POST /v1/dev/token {user_id, rooms?, device?}}</td><td>{@code {token, expires_at, user_id, rooms, device?}};
 *       {@code rooms} defaults to {@code ["*"]} (every room); 404 when minting is not allowed</td></tr>
 * </table>
 */
public final class DevTokens {
    /** How long a minted token lives. */
    public static final Duration TTL = Duration.ofHours(24);
    /** The rooms of a token when the request names none: every room, for the demo's convenience. */
    public static final List<String> DEFAULT_ROOMS = List.of("*");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("user_id", "rooms", "device");
    private static final String RULE = "dev tokens are only minted in dev mode (no jwt_secret) on a loopback address";
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private final TokenIssuer issuer;
    /** Why this server never mints, or {@code null} when it may (subject to each request's origin). */
    private final String refusal;

    private DevTokens(TokenIssuer issuer, String refusal) {
        this.issuer = issuer;
        this.refusal = refusal;
    }

    /**
     * @param devMode  whether the server runs without a configured {@code jwt_secret}
     * @param httpHost the address the server listens on ({@code http_host})
     * @param secret   the secret tokens are signed with (the generated dev secret)
     * @param clock    the server's clock in epoch milliseconds
     */
    public static DevTokens create(boolean devMode, String httpHost, String secret, LongSupplier clock) {
        if (!devMode) {
            return new DevTokens(null, RULE + "; this server has a jwt_secret, so tokens come from your backend");
        }
        if (!loopbackHost(httpHost)) {
            return new DevTokens(null, RULE + "; this server listens on " + httpHost + ", not on a loopback address");
        }
        return new DevTokens(new TokenIssuer(secret, clock), null);
    }

    /** Whether {@code host} (a configured {@code http_host}) resolves to a loopback address. */
    static boolean loopbackHost(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Whether a {@code Host} header names a loopback host without asking DNS: {@code localhost},
     * {@code *.localhost}, or a loopback IP literal; with or without a port. A missing header passes
     * (browsers always send one).
     */
    static boolean loopbackHostHeader(String header) {
        if (header == null) {
            return true;
        }
        String host = header.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                return false;
            }
            host = host.substring(1, end);
        } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':')); // name:port or v4:port
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        // an IPv6 literal (a name with a colon is never looked up in DNS), or a dotted-quad 127.x.y.z
        return host.indexOf(':') >= 0 ? loopbackHost(host) : LOOPBACK_V4.matcher(host).matches();
    }

    /** Headers a reverse proxy adds: a request with any of them is not the local browser's own. */
    private static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");

    /** Why this request may not mint (nor use the other dev endpoints), or {@code null} when it may. */
    String refusal(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (refusal != null) {
            return refusal;
        }
        SocketAddress remote = ctx.channel().remoteAddress();
        if (!(remote instanceof InetSocketAddress isa) || isa.getAddress() == null || !isa.getAddress().isLoopbackAddress()) {
            return RULE + "; this request did not come from a loopback address";
        }
        if (!loopbackHostHeader(req.headers().get(HttpHeaderNames.HOST))) {
            return RULE + "; this request's Host is not a loopback name (use 127.0.0.1 or localhost)";
        }
        for (String forwarded : FORWARDING_HEADERS) {
            // a reverse proxy on this machine connects from loopback (and nginx sends the upstream's
            // Host by default): the request itself may come from anywhere
            if (req.headers().contains(forwarded)) {
                return RULE + "; this request came through a proxy (it carries " + forwarded + ")";
            }
        }
        return null;
    }

    /** {@code GET /v1/dev/info}. */
    public void info(ChannelHandlerContext ctx, FullHttpRequest req) {
        String why = refusal(ctx, req);
        ObjectNode o = JSON.createObjectNode().put("dev", why == null);
        if (why != null) {
            o.put("reason", why);
        }
        HttpResponses.json(ctx, req, HttpResponseStatus.OK, o.toString());
    }

    /** {@code POST /v1/dev/token}. */
    public void mint(ChannelHandlerContext ctx, FullHttpRequest req) {
        String why = refusal(ctx, req);
        if (why != null) {
            HttpResponses.error(ctx, req, BeaconError.notFound(why));
            return;
        }
        ObjectNode answer;
        try {
            JsonNode body = RestApi.body(req);
            JsonBodies.onlyFields(body, FIELDS, "");
            String userId = text(body, "user_id", true);
            String device = text(body, "device", false);
            List<String> rooms = rooms(body);
            String token;
            try {
                token = issuer.issue(userId, TTL, rooms, device);
            } catch (IllegalArgumentException e) {
                throw BeaconError.badRequest(e.getMessage());
            }
            answer = JSON.createObjectNode().put("token", token).put("expires_at", expiresAt(token)).put("user_id", userId);
            ArrayNode roomsNode = answer.putArray("rooms");
            rooms.forEach(roomsNode::add);
            if (device != null) {
                answer.put("device", device);
            }
        } catch (BeaconError e) {
            HttpResponses.error(ctx, req, e);
            return;
        }
        HttpResponses.json(ctx, req, HttpResponseStatus.OK, answer.toString());
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw BeaconError.badRequest("missing field \"" + field + "\" (a string)");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw BeaconError.badRequest("\"" + field + "\" must be a string");
        }
        return n.textValue();
    }

    private static List<String> rooms(JsonNode body) {
        JsonNode arr = body.get("rooms");
        if (arr == null || arr.isNull()) {
            return DEFAULT_ROOMS;
        }
        if (!arr.isArray()) {
            throw BeaconError.badRequest("\"rooms\" must be an array of room ids or prefix* patterns");
        }
        List<String> rooms = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            if (!arr.get(i).isTextual()) {
                throw BeaconError.badRequest("\"rooms\"[" + i + "] must be a string");
            }
            rooms.add(arr.get(i).textValue());
        }
        return rooms;
    }

    /** The token's {@code exp} in epoch milliseconds (the issuer rounds it down to a second). */
    private static long expiresAt(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().getTime();
        } catch (ParseException e) {
            throw new IllegalStateException("a token just minted does not parse", e);
        }
    }
}
