package io.beacon.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.beacon.protocol.ProtocolLimits;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Verifies client JWTs signed with HS256 and the shared secret, and returns their {@link Principal}.
 *
 * <p>Refused, with an {@link AuthException}: unsigned tokens ({@code alg: none}), encrypted tokens,
 * every algorithm but HS256, critical header parameters, bad or forged signatures, malformed tokens
 * or claims, a missing/blank {@code sub} or one longer than {@value Principal#MAX_USER_ID_LENGTH}
 * chars, a malformed {@code rooms} (must be a list of ids or {@code prefix*} patterns) or
 * {@code device} (a short string), and tokens longer than {@value ProtocolLimits#MAX_TOKEN_LENGTH}
 * chars. {@code exp} is optional; when present it is enforced with no clock skew against the
 * injected clock ({@link AuthException#expired()} is then true). {@code nbf}, when present, is
 * enforced too.
 *
 * <p>The HMAC key is the UTF-8 bytes of the secret, which must be at least 32 bytes. Thread-safe.
 */
public final class TokenVerifier {
    private final MACVerifier verifier;
    private final LongSupplier clockMillis;

    /**
     * @param secret      the HS256 secret ({@code jwt_secret} or the dev secret)
     * @param clockMillis the current time in epoch milliseconds (the server passes {@code Ticker::millis})
     * @throws IllegalArgumentException when the secret is shorter than 32 bytes
     */
    public TokenVerifier(String secret, LongSupplier clockMillis) {
        try {
            this.verifier = new MACVerifier(Hs256.key(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable HS256 secret: " + e.getMessage(), e);
        }
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /**
     * Verifies {@code token} and returns who it names.
     *
     * @throws AuthException when the token is refused; {@link AuthException#expired()} for an expired one
     */
    public Principal verify(String token) throws AuthException {
        if (token == null || token.isBlank()) {
            throw new AuthException("missing token");
        }
        if (token.length() > ProtocolLimits.MAX_TOKEN_LENGTH) {
            throw new AuthException("token too long");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.strip());
        } catch (ParseException e) {
            throw new AuthException("malformed token");
        }
        if (jwt instanceof PlainJWT) {
            throw new AuthException("unsigned token (alg none) refused");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            throw new AuthException("encrypted token refused; only HS256-signed tokens are accepted");
        }
        JWSHeader header = signed.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw new AuthException("algorithm " + header.getAlgorithm() + " refused; only HS256 is accepted");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new AuthException("critical header parameters refused");
        }
        boolean valid;
        try {
            valid = signed.verify(verifier);
        } catch (JOSEException | IllegalStateException e) {
            valid = false;
        }
        if (!valid) {
            throw new AuthException("invalid token signature");
        }

        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthException("malformed token claims");
        }
        long now = clockMillis.getAsLong();
        Date exp = claims.getExpirationTime();
        long expiresAt = exp == null ? Principal.NO_EXPIRY : exp.getTime();
        if (now >= expiresAt) {
            throw new AuthException("token expired", true);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now < nbf.getTime()) {
            throw new AuthException("token not valid yet (nbf)");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank()) {
            throw new AuthException("token has no subject (sub)");
        }
        if (!Principal.validUserId(sub)) {
            throw new AuthException("token subject (sub) longer than " + Principal.MAX_USER_ID_LENGTH + " chars");
        }
        return new Principal(sub, rooms(claims.getClaim("rooms")), device(claims.getClaim("device")), expiresAt);
    }

    private static List<String> rooms(Object claim) throws AuthException {
        if (claim == null) {
            return List.of();
        }
        if (!(claim instanceof List<?> list)) {
            throw new AuthException("token claim rooms must be a list of room ids or prefix* patterns");
        }
        List<String> rooms = new ArrayList<>(list.size());
        for (Object entry : list) {
            if (!(entry instanceof String room) || !Principal.validRoomPattern(room)) {
                throw new AuthException("token claim rooms must be a list of room ids or prefix* patterns");
            }
            rooms.add(room);
        }
        return rooms;
    }

    private static String device(Object claim) throws AuthException {
        if (claim == null) {
            return null;
        }
        if (!(claim instanceof String device) || !Principal.validDevice(device)) {
            throw new AuthException("token claim device must be a string of 1.." + Principal.MAX_DEVICE_LENGTH + " chars");
        }
        return device;
    }
}
