package io.beacon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.beacon.config.BeaconConfig;
import io.beacon.settings.Visibility;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The browser SDK ({@code /sdk/beacon.js}) in real headless Chromium against a real server: what the
 * unit tests with fakes cannot show — the real WebSocket, the SharedWorker that makes the tabs of one
 * profile one session, the SSE fallback, idle detection, and recovering from a server restart.
 */
class SdkBrowserIT extends BrowserTest {
    @Override
    UnaryOperator<BeaconConfig.Builder> serverSettings() {
        // presence, not privacy, is under test here: everyone sees everyone (the demo tests use contacts)
        return b -> b.defaultVisibility(Visibility.EVERYONE);
    }

    /** A client for {@code user} without idle detection (its own page of the server's origin, Beacon in {@code window.beacon}). */
    private Page client(BrowserContext profile, String user) {
        return clientWith(profile, user, "{ idle: false }");
    }

    /**
     * A page of the server's origin (the SDK is an ES module: same origin) with a Beacon for {@code user}
     * in {@code window.beacon}, made with the options {@code optionsJs} (a JS object literal), connected.
     */
    private Page clientWith(BrowserContext profile, String user, String optionsJs) {
        return clientWith(profile.newPage(), user, optionsJs);
    }

    private Page clientWith(Page page, String user, String optionsJs) {
        page.navigate(server.http() + "/v1/dev/info");
        page.evaluate("""
                async ([url, user]) => {
                  const { Beacon } = await import('/sdk/beacon.js');
                  const res = await fetch('/v1/dev/token', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                      body: JSON.stringify({ user_id: user, rooms: ['*'] }) });
                  const { token } = await res.json();
                  window.seen = [];
                  window.beacon = new Beacon({ url, token, ...(%s) });
                  beacon.on('presence', p => seen.push(p));
                  window.welcome = await beacon.connect();
                }""".formatted(optionsJs), List.of(server.ws(), user));
        return page;
    }

    private static String status(Page page, String user) {
        Object s = page.evaluate("u => beacon.presence.get(u)?.status ?? null", user);
        return s == null ? null : s.toString();
    }

    private static void await(String what, Supplier<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(condition::get);
    }

    @Test
    void twoBrowsersSeeEachOtherComeOnlineGoBusySetACustomStatusAndLeave() {
        BrowserContext alicesBrowser = browser.profile(1280, 800);
        BrowserContext bobsBrowser = browser.profile(1280, 800);
        Page alice = client(alicesBrowser, "alice");
        alice.evaluate("beacon.subscribe(['bob'])");
        await("alice knows bob is offline", () -> "offline".equals(status(alice, "bob")));

        Page bob = client(bobsBrowser, "bob");
        await("alice sees bob online", () -> "online".equals(status(alice, "bob")));
        bob.evaluate("beacon.setStatus('busy')");
        await("alice sees bob busy", () -> "busy".equals(status(alice, "bob")));
        bob.evaluate("beacon.setCustomStatus({ text: 'In a meeting', emoji: '📅', expiresAt: Date.now() + 3600_000 })");
        await("alice sees bob's custom status", () -> "In a meeting".equals(alice.evaluate("beacon.presence.get('bob').custom_status?.text")));

        bob.close(); // the tab closes: the socket goes, the session ends after the grace
        await("alice sees bob offline", () -> "offline".equals(status(alice, "bob")));
        Object lastSeen = alice.evaluate("beacon.presence.get('bob').last_seen");
        assertThat(((Number) lastSeen).longValue()).isGreaterThan(0);
        @SuppressWarnings("unchecked")
        List<Number> versions = (List<Number>) alice.evaluate("seen.filter(p => p.user_id === 'bob').map(p => p.version)");
        assertThat(versions).as("each update newer than the one before").isSortedAccordingTo((a, b) -> Long.compare(a.longValue(), b.longValue()));
        alicesBrowser.close();
        bobsBrowser.close();
    }

    @Test
    void roomsCarryMetaAndTyping() {
        BrowserContext alicesBrowser = browser.profile(1280, 800);
        BrowserContext bobsBrowser = browser.profile(1280, 800);
        Page alice = client(alicesBrowser, "alice");
        Page bob = client(bobsBrowser, "bob");
        alice.evaluate("beacon.join('doc:1', { mode: 'viewing' }).then(r => { window.room = r; window.typing = []; r.on('typing', t => typing.push(t)); })");
        bob.evaluate("beacon.join('doc:1', { mode: 'editing' }).then(r => window.room = r)");
        await("alice sees bob in the room", () -> Boolean.TRUE.equals(alice.evaluate("!!window.room && room.member('bob') !== undefined")));
        assertThat(alice.evaluate("room.member('bob').sessions[0].meta.mode")).isEqualTo("editing");

        bob.evaluate("room.setMeta({ mode: 'editing', cursor: { x: 0.25, y: 0.5 } })");
        await("alice sees bob's cursor", () -> Double.valueOf(0.25).equals(toDouble(alice.evaluate("room.member('bob').sessions[0].meta.cursor?.x"))));
        bob.evaluate("room.typing()");
        await("alice sees bob typing", () -> Boolean.TRUE.equals(alice.evaluate("room.typingUsers.includes('bob')")));
        bob.evaluate("room.stopTyping()");
        await("bob stopped typing", () -> Boolean.TRUE.equals(alice.evaluate("!room.typingUsers.includes('bob')")));

        bob.evaluate("room.leave()");
        await("bob left", () -> Boolean.TRUE.equals(alice.evaluate("room.member('bob') === undefined && room.count === 1")));
        alicesBrowser.close();
        bobsBrowser.close();
    }

    private static Double toDouble(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    @Test
    void tenTabsOfOneProfileAreOneSessionOnOneSocketAndClosingOneIsNotALeave() {
        BrowserContext bobsBrowser = browser.profile(1280, 800);
        BrowserContext alicesBrowser = browser.profile(1280, 800);
        Page watcher = client(bobsBrowser, "bob");
        watcher.evaluate("beacon.subscribe(['alice'])");
        int before = server.server().engine().stats().connections();

        Page tab1 = client(alicesBrowser, "alice");
        Page tab2 = client(alicesBrowser, "alice");
        assertThat(tab2.evaluate("welcome.sessionId")).as("one session").isEqualTo(tab1.evaluate("welcome.sessionId"));
        await("one socket for both tabs", () -> server.server().engine().stats().connections() == before + 1);
        List<Page> more = new java.util.ArrayList<>();
        for (int i = 3; i <= 10; i++) {
            more.add(client(alicesBrowser, "alice"));
        }
        for (Page tab : more) {
            assertThat(tab.evaluate("welcome.sessionId")).as("one session for ten tabs").isEqualTo(tab1.evaluate("welcome.sessionId"));
        }
        assertThat(server.server().engine().stats().connections()).as("ten tabs, one socket").isEqualTo(before + 1);
        more.forEach(Page::close);
        await("bob sees alice online", () -> "online".equals(status(watcher, "alice")));

        tab2.evaluate("beacon.subscribe(['bob'])");
        await("the second tab gets bob's presence", () -> "online".equals(status(tab2, "bob")));
        tab1.close();
        // well past the grace: a leave would have been published by now
        try {
            Thread.sleep(DevServer.GRACE_MS + 1_500);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(watcher.evaluate("(s => s.slice(s.indexOf('online')))(seen.filter(p => p.user_id === 'alice').map(p => p.status))"))
                .as("what bob saw of alice since she came online").asList().doesNotContain("offline");
        assertThat(tab2.evaluate("beacon.state")).isEqualTo("open");
        tab2.close();
        await("the last tab closed: bob sees alice offline", () -> "offline".equals(status(watcher, "alice")));
        alicesBrowser.close();
        bobsBrowser.close();
    }

    @Test
    void theSdkComesBackByItselfAfterAServerRestart() throws Exception {
        BrowserContext alicesBrowser = browser.profile(1280, 800);
        BrowserContext bobsBrowser = browser.profile(1280, 800);
        Page alice = clientWith(alicesBrowser, "alice", "{ idle: false, backoffMinMs: 200, backoffMaxMs: 1000 }");
        Page bob = clientWith(bobsBrowser, "bob", "{ idle: false, backoffMinMs: 200, backoffMaxMs: 1000 }");
        alice.evaluate("beacon.subscribe(['bob'])");
        await("alice sees bob online", () -> "online".equals(status(alice, "bob")));
        Object firstSession = alice.evaluate("beacon.sessionId");

        server.stop();
        await("alice's SDK notices", () -> "reconnecting".equals(alice.evaluate("beacon.state")));
        server.start(); // same port, same data directory: the same dev secret, so the tokens still hold
        await("alice's SDK is back", () -> "open".equals(alice.evaluate("beacon.state")));
        await("bob's SDK is back", () -> "open".equals(bob.evaluate("beacon.state")));
        assertThat(alice.evaluate("beacon.sessionId")).as("a new session (the old server is gone)").isNotEqualTo(firstSession);
        // the SDK subscribed again by itself: bob's status reaches alice through the new server
        bob.evaluate("beacon.setStatus('away')");
        await("alice sees bob away", () -> "away".equals(status(alice, "bob")));
        alicesBrowser.close();
        bobsBrowser.close();
    }

    @Test
    void overServerSentEventsWhenTheWebSocketIsNotUsed() {
        BrowserContext alicesBrowser = browser.profile(1280, 800);
        BrowserContext bobsBrowser = browser.profile(1280, 800);
        Page alice = clientWith(alicesBrowser, "alice", "{ idle: false, transport: 'sse', shareTabs: false }");
        assertThat(alice.evaluate("welcome.transport")).isEqualTo("sse");
        alice.evaluate("beacon.subscribe(['bob'])");
        Page bob = client(bobsBrowser, "bob");
        await("alice sees bob online over SSE", () -> "online".equals(status(alice, "bob")));
        alice.evaluate("beacon.setStatus('busy')");
        bob.evaluate("beacon.subscribe(['alice'])");
        await("bob sees alice busy (her command went by POST)", () -> "busy".equals(status(bob, "alice")));
        alicesBrowser.close();
        bobsBrowser.close();
    }

    @Test
    void whenTheWebSocketCannotConnectTheSdkFallsBackToServerSentEvents() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        BrowserContext alicesBrowser = browser.profile(1280, 800);
        BrowserContext bobsBrowser = browser.profile(1280, 800);
        Page page = alicesBrowser.newPage();
        // as behind a proxy that lets HTTP through but not WebSockets: each of the page's WebSockets is a
        // real one that goes to a port where nothing listens, and fails the way a browser's does (1006)
        page.addInitScript("""
                (() => {
                  const Real = window.WebSocket;
                  window.wsAttempts = 0;
                  window.WebSocket = function (url, protocols) {
                    window.wsAttempts++;
                    return new Real(url.replace(/:\\d+\\//, ':%d/'), protocols);
                  };
                  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
                })();""".formatted(closedPort));
        Page alice = clientWith(page, "alice", "{ idle: false, shareTabs: false, backoffMinMs: 50, backoffMaxMs: 200 }");
        assertThat(alice.evaluate("welcome.transport")).isEqualTo("sse");
        assertThat(((Number) alice.evaluate("wsAttempts")).intValue()).as("WebSocket attempts before SSE").isEqualTo(2);
        alice.evaluate("beacon.subscribe(['bob'])");
        Page bob = client(bobsBrowser, "bob");
        assertThat(bob.evaluate("welcome.transport")).isEqualTo("websocket");
        await("alice sees bob online over SSE", () -> "online".equals(status(alice, "bob")));
        alice.evaluate("beacon.setStatus('busy')");
        bob.evaluate("beacon.subscribe(['alice'])");
        await("bob sees alice busy", () -> "busy".equals(status(bob, "alice")));
        alicesBrowser.close();
        bobsBrowser.close();
    }

    @Test
    void aSharedWorkerThatCannotStartLeavesThePageAConnectionOfItsOwn() {
        BrowserContext alicesBrowser = browser.profile(1280, 800);
        BrowserContext bobsBrowser = browser.profile(1280, 800);
        // as with a worker script a bundler left behind, or one a content security policy refuses
        Page alice = clientWith(alicesBrowser, "alice", "{ idle: false, workerUrl: '/sdk/no-such-worker.js' }");
        assertThat(alice.evaluate("welcome.transport")).isEqualTo("websocket");
        assertThat(alice.evaluate("beacon.link.shared")).isEqualTo(false);
        Page bob = client(bobsBrowser, "bob");
        bob.evaluate("beacon.subscribe(['alice'])");
        await("bob sees alice online", () -> "online".equals(status(bob, "alice")));
        alice.evaluate("beacon.setStatus('busy')");
        await("bob sees alice busy", () -> "busy".equals(status(bob, "alice")));
        alicesBrowser.close();
        bobsBrowser.close();
    }

    @Test
    void aPageWithoutInputGoesIdleAndShowsAway() {
        BrowserContext alicesBrowser = browser.profile(1280, 800);
        BrowserContext bobsBrowser = browser.profile(1280, 800);
        Page bob = client(bobsBrowser, "bob");
        bob.evaluate("beacon.subscribe(['alice'])");
        Page alice = clientWith(alicesBrowser, "alice", "{ idle: { afterMs: 1000, hiddenAfterMs: 1000 } }");
        await("bob sees alice online", () -> "online".equals(status(bob, "alice")));
        await("no input for a second: bob sees alice away", () -> "away".equals(status(bob, "alice")));
        alice.mouse().move(100, 100);
        alice.mouse().move(200, 150);
        await("input again: bob sees alice online", () -> "online".equals(status(bob, "alice")));
        alicesBrowser.close();
        bobsBrowser.close();
    }
}
