package io.beacon.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenVerifierTest {
    static final String SECRET = "test-secret-0123456789abcdef-0123456789";
    static final long NOW = 1_700_000_000_000L;

    private final AtomicLong clock = new AtomicLong(NOW);
    private final TokenVerifier verifier = new TokenVerifier(SECRET, clock::get);

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String sign(String secret, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").expirationTime(new Date(NOW + 60_000));
    }

    private AuthException refusal(String token) {
        try {
            verifier.verify(token);
        } catch (AuthException e) {
            return e;
        }
        throw new AssertionError("token was accepted: " + token);
    }

    @Test
    void acceptsAGoodToken() throws Exception {
        String token = sign(SECRET, JWSAlgorithm.HS256, claims()
                .claim("rooms", List.of("doc:42", "chat:*"))
                .claim("device", "web")
                .build());
        Principal p = verifier.verify(token);
        assertThat(p.userId()).isEqualTo("alice");
        assertThat(p.rooms()).containsExactly("doc:42", "chat:*");
        assertThat(p.device()).isEqualTo("web");
        assertThat(p.expiresAtMillis()).isEqualTo(NOW + 60_000);
        assertThat(p.hasExpiry()).isTrue();
        assertThat(p.mayJoin("doc:42")).isTrue();
        assertThat(p.mayJoin("doc:43")).isFalse();
        assertThat(p.mayJoin("chat:7")).isTrue();
        assertThat(p.mayJoin("chat")).isFalse();
    }

    @Test
    void expIsOptional() throws Exception {
        Principal p = verifier.verify(sign(SECRET, JWSAlgorithm.HS256, new JWTClaimsSet.Builder().subject("bob").build()));
        assertThat(p.userId()).isEqualTo("bob");
        assertThat(p.rooms()).isEmpty();
        assertThat(p.device()).isNull();
        assertThat(p.hasExpiry()).isFalse();
        assertThat(p.expiresAtMillis()).isEqualTo(Principal.NO_EXPIRY);
        assertThat(p.mayJoin("anything")).isFalse();
    }

    @Test
    void refusesAlgNone() {
        String token = b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"alice\"}") + ".";
        assertThat(token).startsWith("eyJhbGciOiJub25lIn0.");
        AuthException e = refusal(token);
        assertThat(e.expired()).isFalse();
        assertThat(e.getMessage()).isEqualTo("unsigned token (alg none) refused");
        assertThat(e.closeCode()).isEqualTo(4001);
        assertThat(e.errorCode().wire()).isEqualTo("unauthorized");

        // alg none with a signature copied from a valid token is refused as well
        String withSig = b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"alice\"}") + ".c2ln";
        assertThat(refusal(withSig).expired()).isFalse();
        String noneCased = b64("{\"alg\":\"NONE\",\"typ\":\"JWT\"}") + "." + b64("{\"sub\":\"alice\"}") + ".";
        assertThat(refusal(noneCased).expired()).isFalse();
    }

    @Test
    void refusesForgedSignature() throws Exception {
        String good = sign(SECRET, JWSAlgorithm.HS256, claims().build());
        String[] parts = good.split("\\.");
        // same signature, different payload: the classic forgery
        String forged = parts[0] + "." + b64("{\"sub\":\"mallory\",\"exp\":" + (NOW / 1000 + 60) + "}") + "." + parts[2];
        assertThat(refusal(forged).getMessage()).isEqualTo("invalid token signature");
        // flipped signature
        char last = parts[2].charAt(0);
        String flipped = parts[0] + "." + parts[1] + "." + (last == 'A' ? 'B' : 'A') + parts[2].substring(1);
        assertThat(refusal(flipped).getMessage()).isEqualTo("invalid token signature");
        // no signature at all
        assertThat(refusal(parts[0] + "." + parts[1] + ".").expired()).isFalse();
    }

    @Test
    void refusesAWrongSecret() throws Exception {
        String token = sign("another-secret-0123456789abcdef-01234", JWSAlgorithm.HS256, claims().build());
        AuthException e = refusal(token);
        assertThat(e.getMessage()).isEqualTo("invalid token signature");
        assertThat(e.expired()).isFalse();
    }

    @Test
    void refusesOtherAlgorithms() throws Exception {
        String hs512 = sign(SECRET + SECRET, JWSAlgorithm.HS512, claims().build());
        assertThat(refusal(hs512).getMessage()).isEqualTo("algorithm HS512 refused; only HS256 is accepted");
        String rs256 = b64("{\"alg\":\"RS256\"}") + "." + b64("{\"sub\":\"alice\"}") + ".c2ln";
        assertThat(refusal(rs256).getMessage()).isEqualTo("algorithm RS256 refused; only HS256 is accepted");
    }

    @Test
    void expiredTokenIsFlagged() throws Exception {
        String token = sign(SECRET, JWSAlgorithm.HS256, claims().build());
        assertThat(verifier.verify(token).userId()).isEqualTo("alice");
        clock.set(NOW + 59_999);
        assertThat(verifier.verify(token).userId()).isEqualTo("alice");
        clock.set(NOW + 60_000); // no skew: expired at exp exactly
        AuthException e = refusal(token);
        assertThat(e.expired()).isTrue();
        assertThat(e.getMessage()).isEqualTo("token expired");
        assertThat(e.closeCode()).isEqualTo(4002);
        assertThat(e.errorCode().wire()).isEqualTo("token_expired");
    }

    @Test
    void notBeforeIsEnforced() throws Exception {
        String token = sign(SECRET, JWSAlgorithm.HS256, claims().notBeforeTime(new Date(NOW + 10_000)).build());
        assertThat(refusal(token).getMessage()).isEqualTo("token not valid yet (nbf)");
        clock.set(NOW + 10_000);
        assertThat(verifier.verify(token).userId()).isEqualTo("alice");
    }

    @Test
    void refusesMissingEmptyOrLongSubject() throws Exception {
        JWTClaimsSet noSub = new JWTClaimsSet.Builder().expirationTime(new Date(NOW + 60_000)).build();
        AuthException missing = refusal(sign(SECRET, JWSAlgorithm.HS256, noSub));
        assertThat(missing.getMessage()).isEqualTo("token has no subject (sub)");
        assertThat(missing.expired()).isFalse();
        assertThat(refusal(sign(SECRET, JWSAlgorithm.HS256, claims().subject("").build())).getMessage())
                .isEqualTo("token has no subject (sub)");
        assertThat(refusal(sign(SECRET, JWSAlgorithm.HS256, claims().subject("   ").build())).getMessage())
                .isEqualTo("token has no subject (sub)");
        assertThat(refusal(sign(SECRET, JWSAlgorithm.HS256, claims().subject("x".repeat(257)).build())).getMessage())
                .isEqualTo("token subject (sub) longer than 256 chars");
        assertThat(verifier.verify(sign(SECRET, JWSAlgorithm.HS256, claims().subject("x".repeat(256)).build())).userId())
                .hasSize(256);
    }

    @Test
    void refusesMalformedTokens() throws Exception {
        assertThat(refusal(null).getMessage()).isEqualTo("missing token");
        assertThat(refusal("").getMessage()).isEqualTo("missing token");
        assertThat(refusal("not-a-jwt").getMessage()).isEqualTo("malformed token");
        assertThat(refusal("a.b.c").getMessage()).isEqualTo("malformed token");
        assertThat(refusal("x".repeat(9000)).getMessage()).isEqualTo("token too long");
        String nonJsonPayload = sign(SECRET, JWSAlgorithm.HS256, claims().build()).split("\\.")[0] + "." + b64("[1,2]") + ".";
        assertThat(refusal(nonJsonPayload).expired()).isFalse();
    }

    @Test
    void refusesMalformedRoomsAndDevice() throws Exception {
        assertThat(refusal(sign(SECRET, JWSAlgorithm.HS256, claims().claim("rooms", "doc:1").build())).getMessage())
                .startsWith("token claim rooms must be");
        assertThat(refusal(sign(SECRET, JWSAlgorithm.HS256, claims().claim("rooms", List.of("a*b")).build())).getMessage())
                .startsWith("token claim rooms must be");
        assertThat(refusal(sign(SECRET, JWSAlgorithm.HS256, claims().claim("rooms", List.of(1)).build())).getMessage())
                .startsWith("token claim rooms must be");
        assertThat(refusal(sign(SECRET, JWSAlgorithm.HS256, claims().claim("device", 3).build())).getMessage())
                .startsWith("token claim device must be");
        Principal all = verifier.verify(sign(SECRET, JWSAlgorithm.HS256, claims().claim("rooms", List.of("*")).build()));
        assertThat(all.mayJoin("any:room")).isTrue();
    }

    @Test
    void refusesShortSecrets() {
        assertThatThrownBy(() -> new TokenVerifier("short", clock::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void acceptsWhatTheIssuerMints() throws Exception {
        String token = new TokenIssuer(SECRET, clock::get).issue("carol", Duration.ofMinutes(5));
        assertThat(verifier.verify(token).userId()).isEqualTo("carol");
    }
}
