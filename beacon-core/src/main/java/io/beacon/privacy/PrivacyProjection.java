package io.beacon.privacy;

import io.beacon.presence.Presence;
import io.beacon.settings.SettingsStore;
import io.beacon.settings.UserSettings;
import io.beacon.settings.Visibility;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The privacy rules of contract §3, applied in one place.
 *
 * <table>
 *   <caption>What a viewer V sees of a target T</caption>
 *   <tr><th>case</th><th>view</th></tr>
 *   <tr><td>V is T</td><td>T's true presence (an invisible T sees themself online)</td></tr>
 *   <tr><td>no viewer (the backend)</td><td>the public presence</td></tr>
 *   <tr><td>V is in T's blocks</td><td>hidden: exactly an unknown user</td></tr>
 *   <tr><td>T's visibility is {@code nobody}, or {@code contacts} and V is not T's contact</td><td>hidden</td></tr>
 *   <tr><td>otherwise</td><td>the public presence (invisible T: offline), with last seen only if T's
 *       last-seen visibility lets V see it, as a bucket word when T chose {@code approximate}</td></tr>
 * </table>
 *
 * <p>A hidden view is {@link Presence#unknown}: status offline, version 0, nothing else — the same
 * as a user nobody has ever seen, so it leaks nothing about existence.
 */
public final class PrivacyProjection implements Projection {
    private static final long DAY_MS = 24L * 3600 * 1000;

    private final SettingsStore settings;
    private final Visibility defaultVisibility;
    private final LongSupplier clockMillis;

    /**
     * @param defaultVisibility the server-wide default ({@code BEACON_DEFAULT_VISIBILITY}) for users who
     *                          chose none, for presence and for last seen
     * @param clockMillis       wall-clock epoch ms, for approximate last-seen buckets
     */
    public PrivacyProjection(SettingsStore settings, Visibility defaultVisibility, LongSupplier clockMillis) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.defaultVisibility = Objects.requireNonNull(defaultVisibility, "defaultVisibility");
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    @Override
    public CompletableFuture<PrivacyRules> rules(String targetId) {
        CompletableFuture<UserSettings> s = settings.get(targetId);
        var contacts = settings.contacts(targetId);
        var blocks = settings.blocks(targetId);
        return CompletableFuture.allOf(s, contacts, blocks).thenApply(v -> {
            UserSettings u = s.join();
            Visibility vis = u.visibility() != null ? u.visibility() : defaultVisibility;
            Visibility lastSeenVis = u.lastSeenVisibility() != null ? u.lastSeenVisibility() : vis;
            return new PrivacyRules(vis, lastSeenVis, u.lastSeenPrecision(), contacts.join(), blocks.join());
        });
    }

    @Override
    public Presence project(String viewerId, Presence target, PrivacyRules rules) {
        if (viewerId == null) {
            return PresenceViews.publicView(target);
        }
        if (viewerId.equals(target.userId())) {
            return PresenceViews.self(target);
        }
        if (rules.blocks().contains(viewerId) || !rules.allows(rules.visibility(), viewerId)) {
            return Presence.unknown(target.userId());
        }
        Presence view = PresenceViews.publicView(target);
        if (view.lastSeen() == 0 || view.status() == io.beacon.presence.Status.ONLINE) {
            // last seen is not shown while online: no per-viewer copy needed
            return view;
        }
        if (!rules.allows(rules.lastSeenVisibility(), viewerId)) {
            return PresenceViews.withLastSeen(view, 0, null);
        }
        if (rules.precision() == io.beacon.settings.LastSeenPrecision.APPROXIMATE) {
            return PresenceViews.withLastSeen(view, 0, bucket(clockMillis.getAsLong() - view.lastSeen()));
        }
        return view;
    }

    /** The approximate last-seen word for an age in milliseconds. */
    public static String bucket(long ageMillis) {
        if (ageMillis <= 3 * DAY_MS) {
            return "recently";
        }
        if (ageMillis <= 7 * DAY_MS) {
            return "within_week";
        }
        if (ageMillis <= 30 * DAY_MS) {
            return "within_month";
        }
        return "long_ago";
    }
}
