package io.beacon.presence;

/** The kind of device a session runs on (contract §2). */
public enum Device {
    WEB("web"),
    DESKTOP("desktop"),
    MOBILE("mobile"),
    OTHER("other");

    private final String wire;

    Device(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Returns the device for a wire word, or {@code null} when the word is not one of them. */
    public static Device fromWire(String word) {
        for (Device d : values()) {
            if (d.wire.equals(word)) {
                return d;
            }
        }
        return null;
    }
}
