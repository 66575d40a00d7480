package io.beacon.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {
    private static final String KEY = "k3y-0123456789abcdef";

    @Test
    void matchesBearerKey() {
        assertThat(ApiKeys.matches(KEY, "Bearer " + KEY)).isTrue();
        assertThat(ApiKeys.matches(KEY, "bearer " + KEY)).isTrue();
        assertThat(ApiKeys.matches(KEY, "  Bearer   " + KEY + " ")).isTrue();
    }

    @Test
    void refusesEverythingElse() {
        assertThat(ApiKeys.matches(KEY, null)).isFalse();
        assertThat(ApiKeys.matches(KEY, "")).isFalse();
        assertThat(ApiKeys.matches(KEY, KEY)).isFalse();
        assertThat(ApiKeys.matches(KEY, "Basic " + KEY)).isFalse();
        assertThat(ApiKeys.matches(KEY, "Bearer")).isFalse();
        assertThat(ApiKeys.matches(KEY, "Bearer ")).isFalse();
        assertThat(ApiKeys.matches(KEY, "Bearer " + KEY + "x")).isFalse();
        assertThat(ApiKeys.matches(KEY, "Bearer " + KEY.substring(1))).isFalse();
        assertThat(ApiKeys.matches(KEY, "Bearer " + KEY.toUpperCase())).isFalse();
        assertThat(ApiKeys.matches(null, "Bearer ")).isFalse();
        assertThat(ApiKeys.matches("", "Bearer ")).isFalse();
    }
}
