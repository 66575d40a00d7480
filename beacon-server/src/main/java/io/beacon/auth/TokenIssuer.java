package io.beacon.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Mints HS256 client tokens that {@link TokenVerifier} accepts: {@code sub}, {@code iat}, optional
 * {@code exp}, optional {@code rooms}, optional {@code device}. Used by {@code beacon token}, the dev
 * demo page and tests. Thread-safe.
 */
public final class TokenIssuer {
    private static final JWSHeader HEADER = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();

    private final MACSigner signer;
    private final LongSupplier clockMillis;

    /**
     * @param secret      the HS256 secret, at least 32 bytes
     * @param clockMillis the current time in epoch milliseconds
     * @throws IllegalArgumentException when the secret is too short
     */
    public TokenIssuer(String secret, LongSupplier clockMillis) {
        try {
            this.signer = new MACSigner(Hs256.key(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable HS256 secret: " + e.getMessage(), e);
        }
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /** A token for {@code userId} valid for {@code ttl} (or without {@code exp} when {@code ttl} is null), no rooms. */
    public String issue(String userId, Duration ttl) {
        return issue(userId, ttl, List.of(), null);
    }

    /**
     * A token for {@code userId}.
     *
     * @param ttl    lifetime; {@code null} for a token without {@code exp}
     * @param rooms  room ids or {@code prefix*} patterns the user may join; empty = claim omitted
     * @param device device claim, or {@code null}
     * @throws IllegalArgumentException on an invalid user id, room pattern, device or non-positive ttl
     */
    public String issue(String userId, Duration ttl, List<String> rooms, String device) {
        if (!Principal.validUserId(userId)) {
            throw new IllegalArgumentException("user id must be 1.." + Principal.MAX_USER_ID_LENGTH + " chars, not blank");
        }
        for (String room : rooms) {
            if (!Principal.validRoomPattern(room)) {
                throw new IllegalArgumentException("invalid room \"" + room + "\": expected a room id or prefix* pattern of 1.."
                        + Principal.MAX_ROOM_PATTERN_LENGTH + " chars with * only at the end");
            }
        }
        if (device != null && !Principal.validDevice(device)) {
            throw new IllegalArgumentException("device must be 1.." + Principal.MAX_DEVICE_LENGTH + " chars, not blank");
        }
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        long now = clockMillis.getAsLong();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issueTime(new Date(now / 1000 * 1000));
        if (ttl != null) {
            claims.expirationTime(new Date(Math.addExact(now, ttl.toMillis()) / 1000 * 1000));
        }
        if (!rooms.isEmpty()) {
            claims.claim("rooms", List.copyOf(rooms));
        }
        if (device != null) {
            claims.claim("device", device);
        }
        SignedJWT jwt = new SignedJWT(HEADER, claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return jwt.serialize();
    }
}
