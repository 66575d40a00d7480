package io.beacon.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Checks the backend's REST API key. */
public final class ApiKeys {
    private static final String BEARER = "Bearer ";

    private ApiKeys() {
    }

    /**
     * Whether {@code presentedAuthorizationHeader} is {@code Bearer <expected>}. The scheme is
     * case-insensitive; the keys are compared in constant time (as SHA-256 digests, so the time does
     * not depend on the lengths either). False when either argument is null or {@code expected} is empty.
     */
    public static boolean matches(String expected, String presentedAuthorizationHeader) {
        if (expected == null || expected.isEmpty() || presentedAuthorizationHeader == null) {
            return false;
        }
        String header = presentedAuthorizationHeader.strip();
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        String presented = header.substring(BEARER.length()).strip();
        return MessageDigest.isEqual(sha256(expected), sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
