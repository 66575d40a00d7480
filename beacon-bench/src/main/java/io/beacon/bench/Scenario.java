package io.beacon.bench;

import io.netty.channel.EventLoopGroup;
import java.util.Map;

/** One benchmark scenario, run against each system in turn by {@link BenchMain}. */
public interface Scenario {

    String name();

    /** The parameters for a run ({@code quick}: finishes in under two minutes for all systems). */
    Map<String, Object> params(boolean quick, Map<String, String> overrides);

    /**
     * Why this scenario does not apply to the system ({@code beacon}, {@code prosody}, …), or
     * {@code null} when it does: {@link BenchMain} skips such systems (also in {@code bench all})
     * without starting them.
     */
    default String notApplicable(String system) {
        return null;
    }

    /**
     * The systems run when {@code --systems} is not given; {@code null}: Beacon and the three peers.
     */
    default java.util.List<String> defaultSystems() {
        return null;
    }

    /**
     * The system under test, when this scenario builds its own (a cluster: Redis and several nodes);
     * {@code null}: {@link BenchMain} makes the usual single-node system of that name.
     */
    default PresenceSystem createSystem(String system, Map<String, Object> params) throws Exception {
        return null;
    }

    /** Settings every system gets for this scenario. */
    default SystemSettings settings(Map<String, Object> params) {
        return SystemSettings.DEFAULTS;
    }

    /**
     * Prepares the system's users (called after start): the contacts the scenario's users need.
     */
    int[][] contacts(Map<String, Object> params);

    /** Runs against a started, provisioned system; returns one row of results. */
    Map<String, Object> run(PresenceSystem system, EventLoopGroup clients, Map<String, Object> params, Progress progress)
            throws Exception;

    static int intParam(Map<String, Object> p, String key) {
        return ((Number) p.get(key)).intValue();
    }
}
