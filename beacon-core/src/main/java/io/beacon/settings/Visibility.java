package io.beacon.settings;

/** Who may see a user's presence, or their last seen (contract §3). */
public enum Visibility {
    EVERYONE("everyone"),
    CONTACTS("contacts"),
    NOBODY("nobody");

    private final String wire;

    Visibility(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Returns the visibility for a wire word, or {@code null} when the word is not one of them. */
    public static Visibility fromWire(String word) {
        for (Visibility v : values()) {
            if (v.wire.equals(word)) {
                return v;
            }
        }
        return null;
    }
}
