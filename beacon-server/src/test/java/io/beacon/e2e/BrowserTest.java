package io.beacon.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import io.beacon.config.BeaconConfig;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every browser test class has: one headless Chromium for the class, and a fresh dev-mode server
 * for each test ({@link #serverSettings()} on top of {@link DevServer}'s).
 */
abstract class BrowserTest {
    static Browser browser;
    DevServer server;

    @BeforeAll
    static void launch() {
        browser = new Browser();
    }

    @AfterAll
    static void quit() {
        browser.close();
    }

    @BeforeEach
    void start() throws Exception {
        server = new DevServer(serverSettings());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** The server's settings for this class; by default those of a real deployment (contacts-only visibility). */
    UnaryOperator<BeaconConfig.Builder> serverSettings() {
        return b -> b;
    }

    /** The demo page in {@code profile}, signed in as {@code name} and connected. */
    Page demo(BrowserContext profile, String name) {
        Page page = profile.newPage();
        page.navigate(server.http() + "/?name=" + name);
        assertThat(page.getByTestId("app")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(15_000));
        assertThat(page.getByTestId("conn-state")).hasAttribute("data-state", "open",
                new LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
        return page;
    }
}
