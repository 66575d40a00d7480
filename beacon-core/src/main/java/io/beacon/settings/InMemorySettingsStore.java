package io.beacon.settings;

import io.beacon.presence.CustomStatus;
import io.beacon.presence.ManualStatus;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** The embedded {@link SettingsStore}: maps in this process, gone when it ends. */
public final class InMemorySettingsStore implements SettingsStore {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ConcurrentHashMap<String, UserSettings> settings = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<String>> contacts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<String>> blocks = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<UserSettings> get(String userId) {
        return CompletableFuture.completedFuture(settings.getOrDefault(Objects.requireNonNull(userId, "userId"), UserSettings.DEFAULTS));
    }

    private CompletableFuture<Void> change(String userId, UnaryOperator<UserSettings> f) {
        settings.compute(Objects.requireNonNull(userId, "userId"), (k, old) -> f.apply(old == null ? UserSettings.DEFAULTS : old));
        return DONE;
    }

    @Override
    public CompletableFuture<Void> setManual(String userId, ManualStatus manual) {
        Objects.requireNonNull(manual, "manual");
        return change(userId, s -> s.withManual(manual));
    }

    @Override
    public CompletableFuture<Void> setCustomStatus(String userId, CustomStatus customStatus) {
        return change(userId, s -> s.withCustomStatus(customStatus));
    }

    @Override
    public CompletableFuture<Void> setLastSeen(String userId, long lastSeenMillis) {
        return change(userId, s -> lastSeenMillis > s.lastSeen() ? s.withLastSeen(lastSeenMillis) : s);
    }

    @Override
    public CompletableFuture<Void> setPrivacy(String userId, Visibility visibility, Visibility lastSeenVisibility,
                                              LastSeenPrecision precision) {
        Objects.requireNonNull(precision, "precision");
        return change(userId, s -> s.withPrivacy(visibility, lastSeenVisibility, precision));
    }

    @Override
    public CompletableFuture<Set<String>> contacts(String userId) {
        return CompletableFuture.completedFuture(Set.copyOf(contacts.getOrDefault(userId, Set.of())));
    }

    @Override
    public CompletableFuture<Void> setContacts(String userId, Collection<String> ids) {
        return replace(contacts, userId, ids);
    }

    @Override
    public CompletableFuture<Void> patchContacts(String userId, Collection<String> add, Collection<String> remove) {
        return patch(contacts, userId, add, remove);
    }

    @Override
    public CompletableFuture<Set<String>> blocks(String userId) {
        return CompletableFuture.completedFuture(Set.copyOf(blocks.getOrDefault(userId, Set.of())));
    }

    @Override
    public CompletableFuture<Void> setBlocks(String userId, Collection<String> ids) {
        return replace(blocks, userId, ids);
    }

    @Override
    public CompletableFuture<Void> patchBlocks(String userId, Collection<String> add, Collection<String> remove) {
        return patch(blocks, userId, add, remove);
    }

    private static CompletableFuture<Void> replace(ConcurrentHashMap<String, Set<String>> map, String userId,
                                                   Collection<String> ids) {
        Objects.requireNonNull(userId, "userId");
        Set<String> copy = new HashSet<>(ids);
        copy.remove(userId);
        map.put(userId, Set.copyOf(copy));
        return DONE;
    }

    private static CompletableFuture<Void> patch(ConcurrentHashMap<String, Set<String>> map, String userId,
                                                 Collection<String> add, Collection<String> remove) {
        Objects.requireNonNull(userId, "userId");
        map.compute(userId, (k, old) -> {
            Set<String> next = new HashSet<>(old == null ? Set.of() : old);
            next.addAll(add);
            next.removeAll(remove);
            next.remove(userId);
            return Set.copyOf(next);
        });
        return DONE;
    }
}
