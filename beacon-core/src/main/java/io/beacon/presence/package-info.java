/**
 * The presence model of contract §2: sessions, devices, manual and custom status, activity, last seen,
 * versions, the pure {@link io.beacon.presence.Aggregation} rules and the
 * {@link io.beacon.presence.PresenceStore} seam with its in-memory implementation.
 */
package io.beacon.presence;
