package io.beacon.privacy;

import io.beacon.settings.LastSeenPrecision;
import io.beacon.settings.Visibility;
import java.util.Objects;
import java.util.Set;

/**
 * What a projection needs to know about one target user: who may see them and their last seen.
 * Visibilities here are effective (the server default already applied).
 */
public record PrivacyRules(Visibility visibility, Visibility lastSeenVisibility, LastSeenPrecision precision,
                           Set<String> contacts, Set<String> blocks) {

    /** Everyone sees everything: the rules of {@link Projection#PUBLIC}. */
    public static final PrivacyRules OPEN =
            new PrivacyRules(Visibility.EVERYONE, Visibility.EVERYONE, LastSeenPrecision.EXACT, Set.of(), Set.of());

    /** Nobody but the user: what a projection falls back to when the rules cannot be read. */
    public static final PrivacyRules CLOSED =
            new PrivacyRules(Visibility.NOBODY, Visibility.NOBODY, LastSeenPrecision.EXACT, Set.of(), Set.of());

    public PrivacyRules {
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(lastSeenVisibility, "lastSeenVisibility");
        Objects.requireNonNull(precision, "precision");
        contacts = Set.copyOf(contacts);
        blocks = Set.copyOf(blocks);
    }

    /** Whether {@code viewer} passes {@code v} for this target (blocks are checked separately). */
    boolean allows(Visibility v, String viewer) {
        return switch (v) {
            case EVERYONE -> true;
            case CONTACTS -> contacts.contains(viewer);
            case NOBODY -> false;
        };
    }
}
