package io.beacon.auth;

import io.beacon.config.BeaconConfig;

import java.nio.charset.StandardCharsets;

/** The HMAC key of a secret, shared by {@link TokenIssuer} and {@link TokenVerifier}. */
final class Hs256 {
    private Hs256() {
    }

    /** The UTF-8 bytes of {@code secret}; at least {@value BeaconConfig#MIN_JWT_SECRET_BYTES} of them. */
    static byte[] key(String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("jwt secret is missing");
        }
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < BeaconConfig.MIN_JWT_SECRET_BYTES) {
            throw new IllegalArgumentException("jwt secret must be at least " + BeaconConfig.MIN_JWT_SECRET_BYTES
                    + " bytes for HS256, got " + key.length);
        }
        return key;
    }
}
