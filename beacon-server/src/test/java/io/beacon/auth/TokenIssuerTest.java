package io.beacon.auth;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenIssuerTest {
    private static final String SECRET = TokenVerifierTest.SECRET;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_500L);
    private final TokenIssuer issuer = new TokenIssuer(SECRET, clock::get);
    private final TokenVerifier verifier = new TokenVerifier(SECRET, clock::get);

    @Test
    void roundTrip() throws Exception {
        String token = issuer.issue("alice", Duration.ofHours(24), List.of("doc:42", "team:7:*"), "mobile");
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
        assertThat(jwt.getJWTClaimsSet().getIssueTime().getTime()).isEqualTo(1_700_000_000_000L);

        Principal p = verifier.verify(token);
        assertThat(p).isEqualTo(new Principal("alice", List.of("doc:42", "team:7:*"), "mobile",
                1_700_000_000_000L + Duration.ofHours(24).toMillis()));

        clock.addAndGet(Duration.ofHours(24).toMillis());
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.expired()).isTrue());
    }

    @Test
    void minimalToken() throws Exception {
        String token = issuer.issue("bob", null);
        Principal p = verifier.verify(token);
        assertThat(p.userId()).isEqualTo("bob");
        assertThat(p.hasExpiry()).isFalse();
        assertThat(p.rooms()).isEmpty();
        assertThat(p.device()).isNull();
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getClaims()).containsOnlyKeys("sub", "iat");
    }

    @Test
    void refusesBadInput() {
        assertThatThrownBy(() -> issuer.issue("", Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user id");
        assertThatThrownBy(() -> issuer.issue("u", Duration.ofHours(1), List.of("a*b"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid room \"a*b\"");
        assertThatThrownBy(() -> issuer.issue("u", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> new TokenIssuer("short", clock::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
