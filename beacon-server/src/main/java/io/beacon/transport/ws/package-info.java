/** The WebSocket transport: {@code GET /v1/connect}. */
package io.beacon.transport.ws;
