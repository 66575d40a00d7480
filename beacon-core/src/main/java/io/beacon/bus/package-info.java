/** The {@link io.beacon.bus.Bus} seam: per-user and per-room channels within a node or between nodes. */
package io.beacon.bus;
