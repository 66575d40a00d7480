/**
 * Wire protocol v1: validated {@link io.beacon.protocol.ClientMessage}s and once-encoded
 * {@link io.beacon.protocol.ServerMessage}s.
 */
package io.beacon.protocol;
