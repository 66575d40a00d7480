package io.beacon.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Static files: names, content types, validators, methods and misses, without a socket. */
class WebAssetsTest {
    private final WebAssets assets = WebAssets.fromClasspath();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private FullHttpResponse serve(WebAssets from, HttpMethod method, String name, boolean strict, String ifNoneMatch) {
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/" + name);
        if (ifNoneMatch != null) {
            req.headers().set("If-None-Match", ifNoneMatch);
        }
        ChannelHandlerContext ctx = channel.pipeline().firstContext();
        from.serve(ctx, req, name, strict);
        FullHttpResponse res = channel.readOutbound();
        assertThat(res).as("an answer for %s %s", method, name).isNotNull();
        return res;
    }

    private FullHttpResponse get(String name) {
        return serve(assets, HttpMethod.GET, name, false, null);
    }

    private static String body(FullHttpResponse res) {
        return HttpRouterTest.body(res);
    }

    @Test
    void contentTypesByExtension() {
        assertThat(WebAssets.contentType("index.html")).isEqualTo("text/html; charset=utf-8");
        assertThat(WebAssets.contentType("sdk/beacon.js")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(WebAssets.contentType("demo/demo.css")).isEqualTo("text/css; charset=utf-8");
        assertThat(WebAssets.contentType("a.json")).isEqualTo("application/json");
        assertThat(WebAssets.contentType("logo.svg")).isEqualTo("image/svg+xml");
        assertThat(WebAssets.contentType("logo.png")).isEqualTo("image/png");
        assertThat(WebAssets.contentType("favicon.ico")).isEqualTo("image/x-icon");
        assertThat(WebAssets.contentType("sdk/beacon.d.ts")).isEqualTo("text/plain; charset=utf-8");
        assertThat(WebAssets.contentType("sdk/beacon.ts")).as("only declarations, not TypeScript sources").isNull();
        assertThat(WebAssets.contentType("run.sh")).isNull();
        assertThat(WebAssets.contentType("Makefile")).isNull();
    }

    @Test
    void onlyPlainRelativeNamesAreAssets() {
        assertThat(WebAssets.safeName("admin.html")).isTrue();
        assertThat(WebAssets.safeName("admin/admin.js")).isTrue();
        assertThat(WebAssets.safeName("sdk/internal/x-y_z.d.ts")).isTrue();
        for (String bad : new String[] {"", "..", "admin/../admin.html", "../web/admin.html", "admin/./admin.js", ".hidden",
                "admin/.env", "admin//admin.js", "/admin.html", "admin/", "admin\\admin.js", "admin/%2e%2e/admin.html",
                "%2e%2e", "admin.html%00.js", "admin/admin.js?x", "a b.js", "x".repeat(300) + ".js"}) {
            assertThat(WebAssets.safeName(bad)).as(bad).isFalse();
        }
    }

    @Test
    void servesTheOpsPageWithTypeValidatorAndSafetyHeaders() {
        FullHttpResponse res = serve(assets, HttpMethod.GET, "admin.html", true, null);
        assertThat(res.status().code()).isEqualTo(200);
        assertThat(res.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(res.headers().get("Cache-Control")).isEqualTo("no-cache");
        assertThat(res.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(res.headers().get("ETag")).matches("\"[A-Za-z0-9_-]{22}\"");
        assertThat(res.headers().get("Content-Security-Policy")).contains("default-src 'self'").contains("frame-ancestors 'none'");
        assertThat(res.headers().get("Access-Control-Allow-Origin")).as("same origin only").isNull();
        assertThat(res.headers().getInt("Content-Length")).isEqualTo(res.content().readableBytes());
        assertThat(body(res)).contains("<!doctype html>").contains("/admin/admin.js");

        FullHttpResponse js = get("admin/admin.js");
        assertThat(js.headers().get("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(js.headers().get("Content-Security-Policy")).as("only when asked for").isNull();
        js.release();
        FullHttpResponse css = get("admin/admin.css");
        assertThat(css.headers().get("Content-Type")).isEqualTo("text/css; charset=utf-8");
        css.release();
    }

    @Test
    void matchingIfNoneMatchIsNotModified() {
        FullHttpResponse first = get("admin/admin.js");
        String etag = first.headers().get("ETag");
        first.release();

        FullHttpResponse same = serve(assets, HttpMethod.GET, "admin/admin.js", false, etag);
        assertThat(same.status().code()).isEqualTo(304);
        assertThat(same.content().readableBytes()).isZero();
        assertThat(same.headers().get("ETag")).isEqualTo(etag);
        assertThat(same.headers().get("Cache-Control")).isEqualTo("no-cache");
        same.release();

        FullHttpResponse inList = serve(assets, HttpMethod.GET, "admin/admin.js", false, "\"other\", W/" + etag);
        assertThat(inList.status().code()).as("weak comparison, any of a list").isEqualTo(304);
        inList.release();

        FullHttpResponse stale = serve(assets, HttpMethod.GET, "admin/admin.js", false, "\"stale\"");
        assertThat(stale.status().code()).isEqualTo(200);
        assertThat(stale.content().readableBytes()).isPositive();
        stale.release();

        FullHttpResponse otherFile = get("admin/admin.css");
        assertThat(otherFile.headers().get("ETag")).as("a hash of the content").isNotEqualTo(etag);
        otherFile.release();
    }

    @Test
    void headHasTheHeadersWithoutTheBody() {
        FullHttpResponse res = serve(assets, HttpMethod.HEAD, "admin.html", true, null);
        assertThat(res.status().code()).isEqualTo(200);
        assertThat(res.content().readableBytes()).isZero();
        assertThat(res.headers().getInt("Content-Length")).isPositive();
        assertThat(res.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
        res.release();
    }

    @Test
    void otherMethodsAreABadRequestAsEverywhereElse() {
        FullHttpResponse res = serve(assets, HttpMethod.POST, "admin.html", true, null);
        assertThat(res.status().code()).isEqualTo(400);
        assertThat(body(res)).contains("\"code\":\"bad_request\"").contains("use GET, HEAD");
    }

    @Test
    void unknownFilesAndUnsafeNamesAre404WithTheJsonError() {
        for (String name : new String[] {"admin/nothing.js", "admin/../admin.html", "admin/%2e%2e/admin.html",
                "admin\\admin.js", "admin", "sdk/", "logback.xml", "../logback.xml", "admin/run.sh"}) {
            FullHttpResponse res = get(name);
            assertThat(res.status().code()).as(name).isEqualTo(404);
            assertThat(res.headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(body(res)).as(name).startsWith("{\"code\":\"not_found\"");
        }
    }

    @Test
    void eachFileIsReadOnce() {
        assertThat(assets.find("admin/admin.css")).isPresent();
        assertThat(assets.find("admin/admin.css").get()).isSameAs(assets.find("admin/admin.css").get());
    }

    @Test
    void fallbackServesWhatTheRootLacks() {
        WebAssets empty = new WebAssets("/no-such-web-root", Map.of("index.html", "<h1>built in</h1>".getBytes(StandardCharsets.UTF_8)));
        FullHttpResponse res = serve(empty, HttpMethod.GET, "index.html", false, null);
        assertThat(res.status().code()).isEqualTo(200);
        assertThat(res.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(body(res)).isEqualTo("<h1>built in</h1>");
        FullHttpResponse miss = serve(empty, HttpMethod.GET, "admin.html", false, null);
        assertThat(miss.status().code()).isEqualTo(404);
        miss.release();
    }

    @Test
    void theIndexIsAlwaysThere() {
        FullHttpResponse res = get("index.html");
        assertThat(res.status().code()).as("web/index.html or the built-in page").isEqualTo(200);
        assertThat(body(res)).containsIgnoringCase("<html");
    }

    @Test
    void browserSdkIsServedWhenTheBuildCopiedIt() {
        assumeTrue(WebAssetsTest.class.getResource("/web/sdk/beacon.js") != null,
                "clients/js/src/beacon.js was not copied into the build (no SDK yet)");
        FullHttpResponse res = get("sdk/beacon.js");
        assertThat(res.status().code()).isEqualTo(200);
        assertThat(res.headers().get("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(body(res)).isNotBlank();
    }
}
