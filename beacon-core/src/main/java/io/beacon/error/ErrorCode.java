package io.beacon.error;

/**
 * The stable error codes of protocol v1. The same code is used on WebSocket, SSE and REST; REST maps
 * each code to an HTTP status with {@link #httpStatus()}.
 */
public enum ErrorCode {
    BAD_REQUEST("bad_request", 400),
    UNAUTHORIZED("unauthorized", 401),
    TOKEN_EXPIRED("token_expired", 401),
    FORBIDDEN("forbidden", 403),
    NOT_FOUND("not_found", 404),
    RATE_LIMITED("rate_limited", 429),
    TOO_LARGE("too_large", 413),
    UNSUPPORTED("unsupported", 400),
    INTERNAL("internal", 500);

    private final String wire;
    private final int httpStatus;

    ErrorCode(String wire, int httpStatus) {
        this.wire = wire;
        this.httpStatus = httpStatus;
    }

    /** The code as it appears in the {@code code} field of an error message. */
    public String wire() {
        return wire;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
