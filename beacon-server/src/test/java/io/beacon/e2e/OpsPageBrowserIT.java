package io.beacon.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PageAssertions;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The ops page at {@code /admin} in real headless Chromium: the key prompt refuses a wrong key, and
 * with the right one the counts and charts follow what two people do on the demo page. Screenshots go
 * to {@code target/screenshots/}.
 */
class OpsPageBrowserIT extends BrowserTest {
    private static final LocatorAssertions.HasTextOptions SOON = new LocatorAssertions.HasTextOptions().setTimeout(15_000);

    @Test
    void theOpsPageAsksForTheKeyAndFollowsTheNodeLive() throws Exception {
        BrowserContext ops = browser.profile(1280, 900);
        Page page = ops.newPage();
        page.navigate(server.http() + "/admin");
        assertThat(page.locator("#login")).isVisible();

        page.locator("#key").fill("not-the-key");
        page.locator("#login-form button[type=submit]").click();
        assertThat(page.locator("#login-error")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(15_000));
        assertThat(page.locator("#dash")).isHidden();

        page.locator("#key").fill(server.apiKey());
        page.locator("#login-form button[type=submit]").click();
        assertThat(page.locator("#dash")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(15_000));
        assertThat(page.locator("#v-connections")).hasText("0", SOON);
        assertThat(page.locator("#badge-mode")).containsText("ingle", new LocatorAssertions.ContainsTextOptions().setIgnoreCase(true));

        // two people on the demo page: their connections, sessions and rooms show up within a poll or two
        BrowserContext alicesBrowser = browser.profile(1024, 768);
        BrowserContext bobsBrowser = browser.profile(1024, 768);
        demo(alicesBrowser, "alice");
        demo(bobsBrowser, "bob");
        assertThat(page.locator("#v-connections")).hasText("2", SOON);
        assertThat(page.locator("#v-sessions")).hasText("2", SOON);
        assertThat(page.locator("#v-online")).hasText("2", SOON);
        assertThat(page.locator("#v-rooms")).hasText("2", SOON); // doc:demo and chat:demo

        // the chart of connections has drawn a line: some of its pixels are no longer transparent
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> ((Number) page.evaluate("""
                () => {
                  const c = document.querySelector('[data-chart=users] canvas');
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let painted = 0;
                  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
                  return painted;
                }""")).intValue() > 100);
        page.mouse().move(10, 10);
        Browser.shot(page, "ops-desktop");

        // one person leaves: the counts follow
        bobsBrowser.close();
        assertThat(page.locator("#v-connections")).hasText("1", SOON);
        assertThat(page.locator("#v-online")).hasText("1", SOON);

        page.setViewportSize(390, 844);
        Browser.shot(page, "ops-phone");
        assertThat(page).hasTitle("Beacon · ops", new PageAssertions.HasTitleOptions().setTimeout(1_000));
        assertThat(page.locator("#v-sessions").textContent()).isNotBlank();
        alicesBrowser.close();
        ops.close();
    }
}
