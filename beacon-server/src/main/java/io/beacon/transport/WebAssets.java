package io.beacon.transport;

import io.beacon.error.BeaconError;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The static files of the web pages, served from the classpath under one root ({@code /web} in the
 * jar): the demo page, the ops page and the browser SDK ({@code web/sdk}, copied from
 * {@code clients/js/src} at build time).
 *
 * <p>Each file is read once and kept in memory with its content type and ETag (a hash of its bytes);
 * answers carry {@code Cache-Control: no-cache}, so browsers revalidate and get {@code 304} while
 * the file is unchanged. Names are checked before the classpath is asked: only segments of
 * {@code [A-Za-z0-9_.-]} that do not start with a dot, and only known file types, so {@code ..},
 * encoded dots, backslashes and hidden files are all {@code 404}. Thread-safe.
 */
public final class WebAssets {
    /** The classpath root of the assets in the jar. */
    public static final String DEFAULT_ROOT = "/web";

    /** The ops page's policy: everything from this origin only, not framable. */
    static final String STRICT_CSP = "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");
    private static final int MAX_NAME_LENGTH = 200;
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("webp", "image/webp"),
            Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("ts", "text/plain; charset=utf-8")); // type declarations (.d.ts): shown, not run

    /** One file: its bytes, headers and validator. */
    record Asset(byte[] bytes, String contentType, String etag) {
    }

    /** Served at {@code /} when the jar has no {@code web/index.html}. */
    private static final String BUILT_IN_INDEX = """
            <!doctype html><html lang="en"><meta charset="utf-8"><title>Beacon</title>
            <h1>Beacon</h1><p>The presence server is running. Ops page: <a href="/admin">/admin</a>.</p>
            """;

    private final String root;
    private final Map<String, byte[]> fallbacks;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /**
     * @param root      the classpath directory holding the files, e.g. {@value #DEFAULT_ROOT}
     * @param fallbacks contents served for names the root does not hold
     */
    public WebAssets(String root, Map<String, byte[]> fallbacks) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.fallbacks = Map.copyOf(fallbacks);
    }

    /** The assets of the jar, under {@value #DEFAULT_ROOT}, with a built-in page for {@code index.html}. */
    public static WebAssets fromClasspath() {
        return new WebAssets(DEFAULT_ROOT, Map.of("index.html", BUILT_IN_INDEX.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The content type served for {@code name}, or {@code null} for a type that is not served. */
    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        String ext = name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
        if (ext.equals("ts") && !name.endsWith(".d.ts")) {
            return null; // TypeScript sources are not served, only declarations
        }
        return TYPES.get(ext);
    }

    /** Whether {@code name} (relative, {@code /}-separated, not decoded) may name an asset at all. */
    static boolean safeName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (String segment : name.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The asset called {@code name} (relative to the root), loaded on first use; empty when there is none. */
    Optional<Asset> find(String name) {
        if (!safeName(name) || contentType(name) == null) {
            return Optional.empty();
        }
        Asset cached = cache.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        Asset loaded = load(name);
        if (loaded == null && fallbacks.containsKey(name)) {
            byte[] bytes = fallbacks.get(name);
            loaded = new Asset(bytes, contentType(name), etag(bytes));
        }
        if (loaded == null) {
            return Optional.empty(); // misses are not kept: the names asked for are the client's
        }
        Asset prev = cache.putIfAbsent(name, loaded);
        return Optional.of(prev != null ? prev : loaded);
    }

    /** Whether the asset exists. */
    public boolean exists(String name) {
        return find(name).isPresent();
    }

    private Asset load(String name) {
        URL url = WebAssets.class.getResource(root + "/" + name);
        if (url == null || !regularFile(url)) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readAllBytes();
            return new Asset(bytes, contentType(name), etag(bytes));
        } catch (IOException e) {
            return null;
        }
    }

    /** A directory is not an asset (a {@code file:} URL of one would read as a listing). */
    private static boolean regularFile(URL url) {
        if (!"file".equals(url.getProtocol())) {
            return !url.getPath().endsWith("/");
        }
        try {
            return Files.isRegularFile(Path.of(url.toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }

    static String etag(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Answers a request for asset {@code name}: {@code 200} with the file ({@code HEAD}: headers only),
     * {@code 304} when {@code If-None-Match} names its ETag, {@code 404} when there is no such asset,
     * {@code 400} for a method other than GET and HEAD (as everywhere else on this server).
     *
     * @param strict whether to send the strict content security policy ({@link #STRICT_CSP})
     */
    public void serve(ChannelHandlerContext ctx, HttpRequest req, String name, boolean strict) {
        if (!allowedMethod(ctx, req)) {
            return;
        }
        Optional<Asset> asset = find(name);
        if (asset.isEmpty()) {
            HttpResponses.error(ctx, req, BeaconError.notFound("no such file: " + req.uri()));
            return;
        }
        send(ctx, req, asset.get(), strict);
    }

    private static boolean allowedMethod(ChannelHandlerContext ctx, HttpRequest req) {
        if (req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD)) {
            return true;
        }
        HttpResponses.error(ctx, req, BeaconError.badRequest("method " + req.method() + " is not allowed here; use GET, HEAD"));
        return false;
    }

    private static void send(ChannelHandlerContext ctx, HttpRequest req, Asset asset, boolean strict) {
        boolean notModified = matches(req.headers().get(HttpHeaderNames.IF_NONE_MATCH), asset.etag());
        boolean withBody = !notModified && !req.method().equals(HttpMethod.HEAD);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
                withBody ? Unpooled.wrappedBuffer(asset.bytes()) : Unpooled.EMPTY_BUFFER);
        HttpHeaders h = res.headers();
        h.set(HttpHeaderNames.ETAG, asset.etag());
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        if (!notModified) {
            h.set(HttpHeaderNames.CONTENT_TYPE, asset.contentType());
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, asset.bytes().length);
        }
        if (strict) {
            h.set("Content-Security-Policy", STRICT_CSP);
            h.set("X-Frame-Options", "DENY");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        ChannelFuture f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Whether an {@code If-None-Match} header value names {@code etag} (weak comparison, {@code *} matches). */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals("*") || c.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
