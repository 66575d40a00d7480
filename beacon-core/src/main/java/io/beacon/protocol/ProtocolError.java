package io.beacon.protocol;

import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;

/**
 * A message that failed validation, with the request id when the message got far enough to have one,
 * so the error answer can carry it.
 */
public final class ProtocolError extends RuntimeException {
    private final String id;
    private final BeaconError error;

    public ProtocolError(String id, BeaconError error) {
        super(error.getMessage(), null, false, false);
        this.id = id;
        this.error = error;
    }

    /** The raw JSON id of the failed message, or {@code null}. */
    public String id() {
        return id;
    }

    public BeaconError error() {
        return error;
    }

    public ErrorCode code() {
        return error.code();
    }
}
