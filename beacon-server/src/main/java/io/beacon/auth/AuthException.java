package io.beacon.auth;

import io.beacon.error.ErrorCode;

/**
 * A token was refused. {@link #expired()} tells an expired token (protocol error
 * {@code token_expired}, WebSocket close code 4002) from every other refusal ({@code unauthorized},
 * close code 4001). The message is short, safe to send to the client, and never contains the token
 * or the secret.
 */
public final class AuthException extends Exception {
    private static final long serialVersionUID = 1L;

    /** WebSocket close code for a refused token (contract §5). */
    public static final int CLOSE_UNAUTHORIZED = 4001;
    /** WebSocket close code for an expired token (contract §5). */
    public static final int CLOSE_TOKEN_EXPIRED = 4002;

    private final boolean expired;

    /** A refusal that is not an expiry. */
    public AuthException(String message) {
        this(message, false);
    }

    /** A refusal; {@code expired} marks an expired token. */
    public AuthException(String message, boolean expired) {
        super(message, null, false, false);
        this.expired = expired;
    }

    /** True when the token was valid but its {@code exp} has passed. */
    public boolean expired() {
        return expired;
    }

    /** {@link ErrorCode#TOKEN_EXPIRED} when {@link #expired()}, else {@link ErrorCode#UNAUTHORIZED}. */
    public ErrorCode errorCode() {
        return expired ? ErrorCode.TOKEN_EXPIRED : ErrorCode.UNAUTHORIZED;
    }

    /** {@value #CLOSE_TOKEN_EXPIRED} when {@link #expired()}, else {@value #CLOSE_UNAUTHORIZED}. */
    public int closeCode() {
        return expired ? CLOSE_TOKEN_EXPIRED : CLOSE_UNAUTHORIZED;
    }
}
