package io.beacon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.bus.InMemoryBus;
import io.beacon.engine.EngineOptions;
import io.beacon.engine.PresenceEngine;
import io.beacon.presence.InMemoryPresenceStore;
import io.beacon.privacy.Projection;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.time.FakeTicker;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BeaconMetricsTest {
    private final PresenceEngine engine = new PresenceEngine(EngineOptions.create(), new FakeTicker(), Runnable::run,
            new InMemoryPresenceStore(), new InMemorySettingsStore(), new InMemoryBus(), Projection.PUBLIC);

    @Test
    void gaugesKeepReadingAfterTheirSuppliersWouldOtherwiseBeCollected() {
        AtomicBoolean up = new AtomicBoolean(true);
        // a lambda nothing else holds: Micrometer keeps gauge sources weakly unless told otherwise,
        // and a collected source scrapes as NaN (seen in CI as "beacon_redis_up NaN")
        BeaconMetrics metrics = new BeaconMetrics(engine.stats(), () -> up.get());
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        assertThat(metrics.scrape()).contains("beacon_redis_up 1.0").contains("beacon_connections 0.0");
        up.set(false);
        assertThat(metrics.scrape()).contains("beacon_redis_up 0.0");
    }
}
