package io.beacon.auth;

import io.beacon.config.BeaconConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevSecretsTest {
    @TempDir
    Path tmp;

    @Test
    void createsOnceAndReuses() throws Exception {
        Path dataDir = tmp.resolve("data/nested");
        DevSecrets first = DevSecrets.loadOrCreate(dataDir);
        assertThat(first.jwtSecret()).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(first.apiKey()).hasSize(32).matches("[A-Za-z0-9_-]+");
        assertThat(first.jwtSecret()).isNotEqualTo(first.apiKey());

        Path secretFile = dataDir.resolve(DevSecrets.JWT_SECRET_FILE);
        Path keyFile = dataDir.resolve(DevSecrets.API_KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Files.readString(secretFile).strip()).isEqualTo(first.jwtSecret());
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(DevSecrets.JWT_SECRET_FILE, DevSecrets.API_KEY_FILE);
        }

        assertThat(DevSecrets.loadOrCreate(dataDir)).isEqualTo(first);
        assertThat(DevSecrets.loadOrCreate(tmp.resolve("other"))).isNotEqualTo(first);
        assertThat(first.toString()).doesNotContain(first.jwtSecret());

        // the dev secret works with the issuer and verifier
        String token = new TokenIssuer(first.jwtSecret(), System::currentTimeMillis).issue("alice", null);
        assertThat(new TokenVerifier(DevSecrets.loadOrCreateJwtSecret(dataDir), System::currentTimeMillis)
                .verify(token).userId()).isEqualTo("alice");
    }

    @Test
    void configuredSecretsWinAndTouchNoFiles() throws Exception {
        Path dataDir = tmp.resolve("d");
        BeaconConfig config = BeaconConfig.builder().dataDir(dataDir)
                .jwtSecret("configured-secret-0123456789abcdef").apiKey("configured-key-0123").build();
        assertThat(DevSecrets.effectiveJwtSecret(config)).isEqualTo("configured-secret-0123456789abcdef");
        assertThat(DevSecrets.effectiveApiKey(config)).isEqualTo("configured-key-0123");
        assertThat(dataDir).doesNotExist();

        BeaconConfig dev = BeaconConfig.builder().dataDir(dataDir).build();
        assertThat(DevSecrets.effectiveJwtSecret(dev)).isEqualTo(DevSecrets.loadOrCreate(dataDir).jwtSecret());
        assertThat(DevSecrets.effectiveApiKey(dev)).isEqualTo(DevSecrets.loadOrCreate(dataDir).apiKey());
    }

    @Test
    void refusesATruncatedFile() throws Exception {
        Files.writeString(tmp.resolve(DevSecrets.JWT_SECRET_FILE), "short\n");
        assertThatThrownBy(() -> DevSecrets.loadOrCreateJwtSecret(tmp))
                .hasMessageContaining("delete it to generate a new one");
    }
}
