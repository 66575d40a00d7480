/** The SSE transport: {@code GET /v1/events} and {@code POST /v1/commands}. */
package io.beacon.transport.sse;
