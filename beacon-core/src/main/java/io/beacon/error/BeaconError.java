package io.beacon.error;

import java.util.Objects;

/**
 * The one error type of Beacon: a stable {@link ErrorCode} and a message meant for the developer who
 * sent the request. Thrown by validation and by the engine; every transport turns it into
 * {@code {"type":"error","code":…,"message":…}} (WebSocket, SSE) or {@code {code, message}} with the
 * code's HTTP status (REST).
 *
 * <p>Stack traces are not filled in: these are expected outcomes of bad input, not bugs, and a client
 * sending garbage must not make the server pay for stack walking.
 */
public final class BeaconError extends RuntimeException {
    private final ErrorCode code;

    public BeaconError(ErrorCode code, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    public static BeaconError badRequest(String message) {
        return new BeaconError(ErrorCode.BAD_REQUEST, message);
    }

    public static BeaconError tooLarge(String message) {
        return new BeaconError(ErrorCode.TOO_LARGE, message);
    }

    public static BeaconError unsupported(String message) {
        return new BeaconError(ErrorCode.UNSUPPORTED, message);
    }

    public static BeaconError forbidden(String message) {
        return new BeaconError(ErrorCode.FORBIDDEN, message);
    }

    public static BeaconError notFound(String message) {
        return new BeaconError(ErrorCode.NOT_FOUND, message);
    }

    @Override
    public String toString() {
        return code.wire() + ": " + getMessage();
    }
}
