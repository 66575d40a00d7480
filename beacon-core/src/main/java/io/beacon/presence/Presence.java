package io.beacon.presence;

import java.util.List;
import java.util.Objects;

/**
 * A user's presence: as stored (the whole truth, {@link #invisible()} possibly set) or as one viewer
 * is allowed to see it (the output of a {@link io.beacon.privacy.Projection}).
 *
 * <p>{@code status} is the status computed from sessions and the manual status <em>ignoring</em>
 * invisibility; {@link #publicStatus()} applies rule 2 of the contract (invisible → offline to
 * others). A projected view never has {@code invisible} set.
 *
 * @param activity       the user's activity label, or {@code null}
 * @param customStatus   or {@code null}
 * @param lastSeen       epoch ms of the last moment online, {@code 0} = unknown or not shown
 * @param lastSeenApprox a bucket word ({@code recently}, …) shown instead of {@code lastSeen}, or {@code null}
 * @param devices        one entry per device kind with a live session, in {@link Device} order
 * @param version        strictly increasing per user; {@code 0} = never seen
 * @param publicVersion  the version of the last change others could see: while a user is invisible,
 *                       changes only they can see must not move the version others see, or it would
 *                       tell them the user is active
 */
public record Presence(String userId, Status status, String activity, CustomStatus customStatus, long lastSeen,
                       String lastSeenApprox, List<DeviceStatus> devices, long version, boolean invisible,
                       long publicVersion) {

    /** A presence whose every change is public ({@code publicVersion == version}). */
    public Presence(String userId, Status status, String activity, CustomStatus customStatus, long lastSeen,
                    String lastSeenApprox, List<DeviceStatus> devices, long version, boolean invisible) {
        this(userId, status, activity, customStatus, lastSeen, lastSeenApprox, devices, version, invisible, version);
    }

    public Presence {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    /** What a user nobody has seen looks like, and what a viewer who may not see a user gets. */
    public static Presence unknown(String userId) {
        return new Presence(userId, Status.OFFLINE, null, null, 0, null, List.of(), 0, false);
    }

    /** The status others see: rule 2 of the contract hides an invisible user as offline. */
    public Status publicStatus() {
        return invisible ? Status.OFFLINE : status;
    }

    public Presence withVersion(long newVersion) {
        return new Presence(userId, status, activity, customStatus, lastSeen, lastSeenApprox, devices, newVersion, invisible);
    }

    public Presence withVersions(long newVersion, long newPublicVersion) {
        return new Presence(userId, status, activity, customStatus, lastSeen, lastSeenApprox, devices, newVersion, invisible,
                newPublicVersion);
    }

    /**
     * True when others (not the user) see the same thing in both: for an invisible user only the public
     * status, custom status and last seen are visible.
     */
    public boolean samePublicView(Presence other) {
        if (other == null || publicStatus() != other.publicStatus()) {
            return false;
        }
        if (invisible && other.invisible) {
            return lastSeen == other.lastSeen && Objects.equals(customStatus, other.customStatus)
                    && Objects.equals(lastSeenApprox, other.lastSeenApprox);
        }
        return invisible == other.invisible && sameAs(other);
    }

    /** True when both describe the same presence, whatever their versions. */
    public boolean sameAs(Presence other) {
        return other != null
                && userId.equals(other.userId)
                && status == other.status
                && invisible == other.invisible
                && lastSeen == other.lastSeen
                && Objects.equals(activity, other.activity)
                && Objects.equals(customStatus, other.customStatus)
                && Objects.equals(lastSeenApprox, other.lastSeenApprox)
                && devices.equals(other.devices);
    }
}
