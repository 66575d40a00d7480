package io.beacon.settings;

/** How precisely last seen is shown (contract §3). */
public enum LastSeenPrecision {
    EXACT("exact"),
    APPROXIMATE("approximate");

    private final String wire;

    LastSeenPrecision(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static LastSeenPrecision fromWire(String word) {
        for (LastSeenPrecision p : values()) {
            if (p.wire.equals(word)) {
                return p;
            }
        }
        return null;
    }
}
