package io.beacon.bench;

import java.time.Duration;

/**
 * Timing settings every system is configured with, as close as it allows, so that detection times
 * compare fairly: clients heartbeat every {@code heartbeatInterval}; a silent client is dead after
 * {@code sessionTtl}; Beacon waits {@code offlineGrace} before publishing offline.
 */
public record SystemSettings(Duration heartbeatInterval, Duration sessionTtl, Duration offlineGrace) {
    public static final SystemSettings DEFAULTS =
            new SystemSettings(Duration.ofSeconds(15), Duration.ofSeconds(40), Duration.ofSeconds(5));
}
