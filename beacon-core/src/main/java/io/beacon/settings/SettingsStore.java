package io.beacon.settings;

import io.beacon.presence.CustomStatus;
import io.beacon.presence.ManualStatus;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A user's durable settings, contacts and blocks: in memory by default
 * ({@link InMemorySettingsStore}), SQLite or PostgreSQL when durability is wanted.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>A write's future completes only once the write is durable for this implementation (for SQL:
 *       committed); a reader that starts after completion sees it.</li>
 *   <li>{@link #get} of an unknown user returns {@link UserSettings#DEFAULTS}, never {@code null}.</li>
 *   <li>Contacts and blocks are sets: adding twice keeps one, removing an absent id is no error, a user
 *       never appears in their own set.</li>
 *   <li>Last seen only moves forward: {@link #setLastSeen} with an older value keeps the newer one.</li>
 *   <li>Futures may complete on any thread; callers never block on them on the engine thread.</li>
 * </ul>
 */
public interface SettingsStore extends AutoCloseable {

    CompletableFuture<UserSettings> get(String userId);

    CompletableFuture<Void> setManual(String userId, ManualStatus manual);

    /** Sets or, with {@code null}, clears the custom status. */
    CompletableFuture<Void> setCustomStatus(String userId, CustomStatus customStatus);

    CompletableFuture<Void> setLastSeen(String userId, long lastSeenMillis);

    /** Replaces the privacy part of the settings; a {@code null} visibility means "server default". */
    CompletableFuture<Void> setPrivacy(String userId, Visibility visibility, Visibility lastSeenVisibility,
                                       LastSeenPrecision precision);

    CompletableFuture<Set<String>> contacts(String userId);

    CompletableFuture<Void> setContacts(String userId, Collection<String> contactIds);

    CompletableFuture<Void> patchContacts(String userId, Collection<String> add, Collection<String> remove);

    CompletableFuture<Set<String>> blocks(String userId);

    CompletableFuture<Void> setBlocks(String userId, Collection<String> blockedIds);

    CompletableFuture<Void> patchBlocks(String userId, Collection<String> add, Collection<String> remove);

    /**
     * Forgets what is cached about a user because another node changed it (the {@code Bus} says so).
     * Stores without a cache do nothing.
     */
    default void invalidate(String userId) {
    }

    /**
     * Forgets everything cached: the {@code Bus} may have lost invalidations (a cluster node was cut off
     * from Redis). Stores without a cache do nothing.
     */
    default void invalidateAll() {
    }

    @Override
    default void close() {
    }
}
