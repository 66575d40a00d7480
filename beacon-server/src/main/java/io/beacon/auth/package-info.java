/**
 * Authentication: {@link io.beacon.auth.TokenVerifier} checks HS256 client JWTs and yields a
 * {@link io.beacon.auth.Principal}; {@link io.beacon.auth.TokenIssuer} mints them;
 * {@link io.beacon.auth.ApiKeys} checks the backend's API key; {@link io.beacon.auth.DevSecrets}
 * keeps the generated secrets of dev mode under {@code data_dir}.
 */
package io.beacon.auth;
