package io.beacon.auth;

import io.beacon.config.BeaconConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets generated for dev mode and kept under {@code data_dir}, so a restarted server and
 * {@code beacon token} agree on them.
 *
 * <p>{@value #JWT_SECRET_FILE} holds 32 random bytes and {@value #API_KEY_FILE} 24 random bytes, each
 * base64url without padding (43 and 32 characters); the secret is used as text, like a configured
 * {@code jwt_secret}. Files are created once with mode 600 (atomically: concurrent starts agree on one
 * value) and reused afterwards; a file that is too short is an error rather than silently replaced.
 *
 * @param jwtSecret the dev HS256 secret
 * @param apiKey    the dev REST API key
 */
public record DevSecrets(String jwtSecret, String apiKey) {
    public static final String JWT_SECRET_FILE = "dev-jwt-secret";
    public static final String API_KEY_FILE = "dev-api-key";
    static final int JWT_SECRET_RANDOM_BYTES = 32;
    static final int API_KEY_RANDOM_BYTES = 24;

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String toString() {
        return "DevSecrets[jwtSecret=****, apiKey=****]";
    }

    /** Reads both dev secrets from {@code dataDir}, creating the directory and missing files first. */
    public static DevSecrets loadOrCreate(Path dataDir) throws IOException {
        return new DevSecrets(loadOrCreateJwtSecret(dataDir), loadOrCreateApiKey(dataDir));
    }

    /** Reads {@value #JWT_SECRET_FILE} from {@code dataDir}, creating it first if missing. */
    public static String loadOrCreateJwtSecret(Path dataDir) throws IOException {
        return loadOrCreate(dataDir.resolve(JWT_SECRET_FILE), JWT_SECRET_RANDOM_BYTES,
                BeaconConfig.MIN_JWT_SECRET_BYTES);
    }

    /** Reads {@value #API_KEY_FILE} from {@code dataDir}, creating it first if missing. */
    public static String loadOrCreateApiKey(Path dataDir) throws IOException {
        return loadOrCreate(dataDir.resolve(API_KEY_FILE), API_KEY_RANDOM_BYTES, BeaconConfig.MIN_API_KEY_LENGTH);
    }

    /** The configured {@code jwt_secret}, or in dev mode the one in {@code data_dir} (created if missing). */
    public static String effectiveJwtSecret(BeaconConfig config) throws IOException {
        return config.jwtSecret().isPresent() ? config.jwtSecret().get() : loadOrCreateJwtSecret(config.dataDir());
    }

    /** The configured {@code api_key}, or else the one in {@code data_dir} (created if missing). */
    public static String effectiveApiKey(BeaconConfig config) throws IOException {
        return config.apiKey().isPresent() ? config.apiKey().get() : loadOrCreateApiKey(config.dataDir());
    }

    private static String loadOrCreate(Path file, int randomBytes, int minLength) throws IOException {
        if (!Files.exists(file)) {
            create(file, randomBytes);
        }
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (value.length() < minLength) {
            throw new IOException(file + " holds fewer than " + minLength + " characters; delete it to generate a new one");
        }
        return value;
    }

    /** Writes a new random value to a private temp file and links it into place unless another process won. */
    private static void create(Path file, int randomBytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] bytes = new byte[randomBytes];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        // on POSIX file systems temp files are created with mode 600, and the link below shares it
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                // another process created it first: use theirs
            } catch (UnsupportedOperationException | IOException e) {
                if (!Files.exists(file)) {
                    Files.move(tmp, file);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
