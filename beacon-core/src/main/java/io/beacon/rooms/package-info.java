/**
 * Rooms of contract §4: who is present in a place ({@code doc:42}, {@code chat:7}), per session, with
 * each session's device and meta. The data that the {@link io.beacon.presence.PresenceStore} keeps
 * ({@link io.beacon.rooms.RoomMember}, {@link io.beacon.rooms.RoomSession}), the atomic
 * {@link io.beacon.rooms.RoomUpdate}s applied to it by {@link io.beacon.rooms.RoomRecord}, the
 * {@link io.beacon.rooms.RoomChange}s that travel on the {@link io.beacon.bus.Bus}, and the token's
 * {@code rooms} claim ({@link io.beacon.rooms.RoomAccess}). The node-side logic (fan-out, batching,
 * coalescing, typing) lives in the engine.
 */
package io.beacon.rooms;
