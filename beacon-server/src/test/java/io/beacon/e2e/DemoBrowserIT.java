package io.beacon.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The demo page at {@code /} in real headless Chromium, as two people use it: each signs in (dev mode
 * mints the token), adds the other as a contact, and sees them come online, go busy, set a custom
 * status, look at the shared document with a moving cursor, type in the chat, and leave. Screenshots
 * go to {@code target/screenshots/}.
 */
class DemoBrowserIT extends BrowserTest {
    private static final LocatorAssertions.HasAttributeOptions SOON = new LocatorAssertions.HasAttributeOptions().setTimeout(15_000);

    private static void addContact(Page page, String name) {
        page.getByTestId("add-contact").fill(name);
        page.getByTestId("add-contact-button").click();
    }

    private static Locator contact(Page page, String user) {
        return page.locator("[data-testid=contact][data-user=" + user + "]");
    }

    @Test
    void twoPeopleSeeEachOtherThroughTheDemo() {
        BrowserContext alicesBrowser = browser.profile(1280, 860);
        BrowserContext bobsBrowser = browser.profile(390, 844); // a phone
        Page alice = demo(alicesBrowser, "alice");
        Page bob = demo(bobsBrowser, "bob");
        addContact(alice, "bob");
        addContact(bob, "alice");

        assertThat(contact(alice, "bob")).hasAttribute("data-status", "online", SOON);
        assertThat(contact(bob, "alice")).hasAttribute("data-status", "online", SOON);

        bob.getByTestId("status-select").selectOption("busy");
        assertThat(contact(alice, "bob")).hasAttribute("data-status", "busy", SOON);
        assertThat(bob.getByTestId("my-status")).hasAttribute("data-status", "busy", SOON);

        bob.getByTestId("custom-text").fill("Lunch");
        bob.getByTestId("custom-emoji").fill("🥪");
        bob.getByTestId("custom-expiry").selectOption("30m");
        bob.getByTestId("custom-save").click();
        assertThat(contact(alice, "bob").getByTestId("contact-custom")).containsText("Lunch",
                new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));

        // the shared document: each sees the other there, and bob's cursor moves on alice's screen
        assertThat(alice.locator("[data-testid=viewer][data-user=bob]")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(15_000));
        Locator doc = bob.getByTestId("doc");
        doc.scrollIntoViewIfNeeded();
        var box = doc.boundingBox();
        bob.mouse().move(box.x + box.width * 0.3, box.y + box.height * 0.4);
        bob.mouse().move(box.x + box.width * 0.35, box.y + box.height * 0.45, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(5));
        assertThat(alice.locator("[data-testid=cursor][data-user=bob]")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(15_000));
        bob.getByTestId("mode-toggle").click();
        assertThat(alice.locator("[data-testid=viewer][data-user=bob]")).hasAttribute("data-mode", "editing", SOON);

        // the chat: typing shows, the message arrives
        bob.getByTestId("chat-input").pressSequentially("hello al", new Locator.PressSequentiallyOptions().setDelay(30));
        assertThat(alice.getByTestId("typing")).containsText("bob", new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));
        bob.getByTestId("chat-input").pressSequentially("ice");
        bob.getByTestId("chat-send").click();
        assertThat(alice.getByTestId("chat-message").last()).containsText("hello alice",
                new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));
        assertThat(alice.getByTestId("typing")).not().containsText("bob", new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));

        alice.mouse().move(10, 10); // alice's cursor out of the document, for a tidy shot
        doc.scrollIntoViewIfNeeded();
        box = doc.boundingBox(); // bob's pointer back over the document, so alice's shot shows his cursor
        bob.mouse().move(box.x + box.width * 0.6, box.y + box.height * 0.3, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(3));
        assertThat(alice.locator("[data-testid=cursor][data-user=bob]")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(15_000));
        Browser.shot(alice, "demo-alice-desktop");
        Browser.shot(bob, "demo-bob-phone");

        // bob closes the tab: alice sees him offline once the grace is over
        bob.close();
        assertThat(contact(alice, "bob")).hasAttribute("data-status", "offline", SOON);
        assertThat(alice.locator("[data-testid=viewer][data-user=bob]")).hasCount(0,
                new LocatorAssertions.HasCountOptions().setTimeout(15_000));
        Browser.shot(alice, "demo-alice-bob-gone");
        alicesBrowser.close();
        bobsBrowser.close();
    }

    @Test
    void theDemoComesBackByItselfAfterAServerRestart() throws Exception {
        BrowserContext alicesBrowser = browser.profile(1280, 860);
        BrowserContext bobsBrowser = browser.profile(1280, 860);
        Page alice = demo(alicesBrowser, "alice");
        Page bob = demo(bobsBrowser, "bob");
        addContact(alice, "bob");
        addContact(bob, "alice");
        assertThat(contact(alice, "bob")).hasAttribute("data-status", "online", SOON);

        server.stop();
        assertThat(alice.getByTestId("conn-state")).not().hasAttribute("data-state", "open", new LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
        server.start(); // the same port and data directory (the dev secret, the contacts in SQLite)
        assertThat(alice.getByTestId("conn-state")).hasAttribute("data-state", "open", new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
        assertThat(bob.getByTestId("conn-state")).hasAttribute("data-state", "open", new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
        bob.getByTestId("status-select").selectOption("away");
        assertThat(contact(alice, "bob")).hasAttribute("data-status", "away", SOON);
        alicesBrowser.close();
        bobsBrowser.close();
    }

    @Test
    void twoTabsOfOneBrowserAreOneSession() {
        BrowserContext alicesBrowser = browser.profile(1280, 860);
        BrowserContext bobsBrowser = browser.profile(1280, 860);
        Page bob = demo(bobsBrowser, "bob");
        addContact(bob, "alice");
        Page tab1 = demo(alicesBrowser, "alice");
        addContact(tab1, "bob");
        assertThat(contact(bob, "alice")).hasAttribute("data-status", "online", SOON);
        int connections = server.server().engine().stats().connections();

        Page tab2 = demo(alicesBrowser, "alice");
        assertThat(contact(tab2, "bob")).hasAttribute("data-status", "online", SOON);
        assertThat(server.server().engine().stats().connections()).as("the second tab shares the first one's socket").isEqualTo(connections);
        tab1.close();
        // nothing may happen: bob's view of alice stays online well past the grace a leave would wait for
        Awaitility.await().pollDelay(Duration.ofMillis(DevServer.GRACE_MS + 1_000)).atMost(Duration.ofSeconds(10))
                .until(() -> "online".equals(contact(bob, "alice").getAttribute("data-status")));
        tab2.close();
        assertThat(contact(bob, "alice")).hasAttribute("data-status", "offline", SOON);
        alicesBrowser.close();
        bobsBrowser.close();
    }
}
