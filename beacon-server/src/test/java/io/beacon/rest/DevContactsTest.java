package io.beacon.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.auth.TokenIssuer;
import io.beacon.auth.TokenVerifier;
import io.beacon.bus.InMemoryBus;
import io.beacon.engine.EngineOptions;
import io.beacon.engine.PresenceEngine;
import io.beacon.presence.InMemoryPresenceStore;
import io.beacon.privacy.PrivacyProjection;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.ProtocolLimits;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.settings.Visibility;
import io.beacon.time.FakeTicker;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who may make mutual contacts through the dev endpoint, and what it writes and tells the engine. */
class DevContactsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "dev-contacts-test-secret-0123456789-0123456789";

    private final FakeTicker ticker = new FakeTicker();
    private final InMemorySettingsStore settings = new InMemorySettingsStore();
    private final PresenceEngine engine = new PresenceEngine(EngineOptions.create(), ticker, Runnable::run,
            new InMemoryPresenceStore(), settings, new InMemoryBus(), new PrivacyProjection(settings, Visibility.CONTACTS, ticker::millis));
    /** What the endpoint asked the engine thread to run (run at once, and remembered). */
    private final List<Runnable> engineTasks = new ArrayList<>();
    private final ClientMessages parser = new ClientMessages(ProtocolLimits.DEFAULTS);
    private final TokenIssuer issuer = new TokenIssuer(SECRET, ticker::millis);

    private final PeerChannel channel = new PeerChannel();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private DevContacts contacts(boolean devMode, String httpHost) {
        return new DevContacts(DevTokens.create(devMode, httpHost, SECRET, ticker::millis), new TokenVerifier(SECRET, ticker::millis),
                settings, engine, task -> {
                    engineTasks.add(task);
                    task.run();
                }, parser);
    }

    private FullHttpResponse post(DevContacts endpoint, String user, String body, String host) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/dev/contacts",
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        req.headers().set("Host", host);
        if (user != null) {
            req.headers().set("Authorization", "Bearer " + (user.isEmpty() ? "not-a-token" : issuer.issue(user, Duration.ofHours(1))));
        }
        endpoint.handle(channel.ctx(), req);
        req.release();
        channel.runPendingTasks(); // the answer leaves on the channel's loop once the store answered
        FullHttpResponse res = channel.readOutbound();
        assertThat(res).isNotNull();
        return res;
    }

    private FullHttpResponse post(String user, String body) {
        return post(contacts(true, "127.0.0.1"), user, body, "127.0.0.1:7070");
    }

    private static JsonNode json(FullHttpResponse res) throws Exception {
        try {
            return JSON.readTree(res.content().toString(StandardCharsets.UTF_8));
        } finally {
            res.release();
        }
    }

    private Set<String> contactsOf(String user) {
        return settings.contacts(user).join();
    }

    /** The version of {@code target} as {@code viewer} may see it: 0 when hidden. */
    private long versionSeenBy(String viewer, String target) {
        return engine.read(viewer, List.of(target)).join().get(0).version();
    }

    @Test
    void addMakesContactsBothWaysAndTellsTheEngine() throws Exception {
        assertThat(versionSeenBy("alice", "bob")).as("default visibility contacts: hidden").isZero();

        FullHttpResponse res = post("alice", "{\"add\":[\"bob\",\"carol\"]}");
        assertThat(res.status().code()).isEqualTo(200);
        assertThat(json(res).toString()).isEqualTo("{\"user_id\":\"alice\",\"user_ids\":[\"bob\",\"carol\"]}");
        assertThat(contactsOf("alice")).containsExactlyInAnyOrder("bob", "carol");
        assertThat(contactsOf("bob")).containsExactly("alice");
        assertThat(contactsOf("carol")).containsExactly("alice");
        assertThat(engineTasks).as("one settingsChanged task for the three users").hasSize(1);
        assertThat(versionSeenBy("alice", "bob")).as("bob's new view reached the engine").isPositive();
        assertThat(versionSeenBy("bob", "alice")).isPositive();
        assertThat(versionSeenBy("bob", "carol")).as("bob is not carol's contact").isZero();
    }

    @Test
    void removeUndoesBothDirectionsAndLeavesTheOthers() throws Exception {
        json(post("alice", "{\"add\":[\"bob\",\"carol\"]}"));
        settings.patchContacts("bob", List.of("dave"), List.of()).join();

        JsonNode body = json(post("bob", "{\"remove\":[\"alice\"]}"));
        assertThat(body.toString()).isEqualTo("{\"user_id\":\"bob\",\"user_ids\":[\"dave\"]}");
        assertThat(contactsOf("alice")).containsExactly("carol");
        assertThat(versionSeenBy("bob", "alice")).isZero();
        assertThat(versionSeenBy("alice", "bob")).isZero();
    }

    @Test
    void anEmptyBodyReadsTheCallersContactsAndChangesNothing() throws Exception {
        json(post("alice", "{\"add\":[\"bob\"]}"));
        engineTasks.clear();
        assertThat(json(post("bob", "{}")).toString()).isEqualTo("{\"user_id\":\"bob\",\"user_ids\":[\"alice\"]}");
        assertThat(json(post("carol", "{\"add\":[],\"remove\":null}")).toString()).isEqualTo("{\"user_id\":\"carol\",\"user_ids\":[]}");
        assertThat(engineTasks).isEmpty();
    }

    @Test
    void theCallerIsNeverTheirOwnContact() throws Exception {
        assertThat(json(post("alice", "{\"add\":[\"alice\",\"bob\",\"bob\"]}")).get("user_ids").toString()).isEqualTo("[\"bob\"]");
        assertThat(contactsOf("alice")).containsExactly("bob");
    }

    @Test
    void needsAValidClientToken() throws Exception {
        FullHttpResponse none = post(null, "{\"add\":[\"bob\"]}");
        assertThat(none.status().code()).isEqualTo(401);
        assertThat(json(none).get("message").asText()).contains("Authorization: Bearer");

        FullHttpResponse forged = post("", "{\"add\":[\"bob\"]}");
        assertThat(forged.status().code()).isEqualTo(401);
        assertThat(json(forged).get("code").asText()).isEqualTo("unauthorized");
        assertThat(contactsOf("bob")).isEmpty();
    }

    @Test
    void badInputIsABadRequestThatSaysWhy() throws Exception {
        for (String[] c : new String[][] {
                {"", "JSON object"},
                {"[]", "JSON object"},
                {"{\"add\":\"bob\"}", "\\\"add\\\" must be an array"},
                {"{\"add\":[7]}", "\\\"add\\\"[0] must be a string"},
                {"{\"add\":[\"\"]}", "must not be empty"},
                {"{\"add\":[\"bob\"],\"remove\":[\"bob\"]}", "in both"},
                {"{\"user_ids\":[\"bob\"]}", "unknown field \\\"user_ids\\\""}}) {
            FullHttpResponse res = post("alice", c[0]);
            assertThat(res.status().code()).as(c[0]).isEqualTo(400);
            String text = res.content().toString(StandardCharsets.UTF_8);
            res.release();
            assertThat(text).as(c[0]).startsWith("{\"code\":\"bad_request\"").contains(c[1]);
        }
        StringBuilder many = new StringBuilder("{\"add\":[");
        for (int i = 0; i <= DevContacts.MAX_NAMES; i++) {
            many.append(i == 0 ? "" : ",").append("\"u").append(i).append('"');
        }
        FullHttpResponse tooMany = post("alice", many.append("]}").toString());
        assertThat(tooMany.status().code()).isEqualTo(413);
        tooMany.release();
        assertThat(contactsOf("alice")).isEmpty();
        assertThat(engineTasks).isEmpty();
    }

    @Test
    void refusedFromAnotherMachine() throws Exception {
        channel.peer = new InetSocketAddress("192.0.2.7", 40_000);
        FullHttpResponse far = post("alice", "{\"add\":[\"bob\"]}");
        assertThat(far.status().code()).isEqualTo(404);
        assertThat(json(far).get("message").asText()).contains("did not come from a loopback address");
        assertThat(contactsOf("alice")).isEmpty();
    }

    @Test
    void refusedLikeDevTokensOutsideDevModeOrLoopback() throws Exception {
        FullHttpResponse configured = post(contacts(false, "127.0.0.1"), "alice", "{\"add\":[\"bob\"]}", "127.0.0.1");
        assertThat(configured.status().code()).isEqualTo(404);
        assertThat(json(configured).get("message").asText()).contains("dev contacts").contains("jwt_secret");

        FullHttpResponse public0 = post(contacts(true, "0.0.0.0"), "alice", "{\"add\":[\"bob\"]}", "127.0.0.1");
        assertThat(json(public0).get("message").asText()).contains("listens on 0.0.0.0");

        FullHttpResponse rebound = post(contacts(true, "127.0.0.1"), "alice", "{\"add\":[\"bob\"]}", "evil.example:7070");
        assertThat(rebound.status().code()).isEqualTo(404);
        assertThat(json(rebound).get("message").asText()).contains("Host");

        assertThat(contactsOf("alice")).isEmpty();
        assertThat(contactsOf("bob")).isEmpty();
    }
}
