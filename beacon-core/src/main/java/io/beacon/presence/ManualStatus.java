package io.beacon.presence;

/** The status a user chooses; {@link #AUTO} lets activity decide (contract §2). */
public enum ManualStatus {
    AUTO("auto"),
    BUSY("busy"),
    AWAY("away"),
    INVISIBLE("invisible");

    private final String wire;

    ManualStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Returns the status for a wire word, or {@code null} when the word is not one of them. */
    public static ManualStatus fromWire(String word) {
        for (ManualStatus s : values()) {
            if (s.wire.equals(word)) {
                return s;
            }
        }
        return null;
    }
}
