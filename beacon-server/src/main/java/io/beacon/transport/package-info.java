/**
 * The Netty transport shared by WebSocket, SSE and REST: the HTTP pipeline and router, and the
 * {@link io.beacon.transport.Gateway} every client frame goes through.
 */
package io.beacon.transport;
