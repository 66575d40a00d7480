package io.beacon.presence;

/** Effective status as others see it (contract §2). */
public enum Status {
    ONLINE("online"),
    AWAY("away"),
    BUSY("busy"),
    OFFLINE("offline");

    private final String wire;

    Status(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
