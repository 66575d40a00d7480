package io.beacon.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The Caffeine behaviour {@link SqlSettingsStore}'s read-your-writes guarantee rests on: invalidating a key
 * whose load is still in flight discards that load, so a value read from the database before a commit can
 * never land in the cache after the commit's invalidation.
 */
class CacheAssumptionsTest {

    @Test
    void invalidatingAnInFlightLoadDiscardsItsResult() {
        CompletableFuture<String> slowLoad = new CompletableFuture<>();
        AtomicInteger loads = new AtomicInteger();
        AsyncLoadingCache<String, String> cache = Caffeine.newBuilder().maximumSize(10)
                .buildAsync((key, executor) -> loads.incrementAndGet() == 1
                        ? slowLoad : CompletableFuture.completedFuture("fresh"));

        CompletableFuture<String> first = cache.get("u");   // reads the old row, still in flight
        cache.synchronous().invalidate("u");                 // a write commits and invalidates
        slowLoad.complete("stale");                          // the old read finishes afterwards

        assertThat(first.join()).isEqualTo("stale");         // its own caller started before the commit
        assertThat(cache.getIfPresent("u")).isNull();        // but it is not cached
        assertThat(cache.get("u").join()).isEqualTo("fresh");
        assertThat(loads).hasValue(2);
    }
}
