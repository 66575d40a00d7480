package io.beacon.testing;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every store contract suite shares: a fresh store per test, user ids unique to the test (so a
 * store on a shared database or Redis needs no cleanup between tests), and a bounded wait on futures.
 *
 * @param <S> the store under test
 */
public abstract class StoreContract<S extends AutoCloseable> {
    protected static final long TIMEOUT_SECONDS = 10;

    protected S store;
    private final String prefix = "u-" + UUID.randomUUID() + "-";

    /** A fresh store. Called before each test (and again by tests that simulate a restart). */
    protected abstract S newStore();

    @BeforeEach
    protected void openStore() {
        store = newStore();
    }

    @AfterEach
    protected void closeStore() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    /** A user id unique to this test. */
    protected String user(String name) {
        return prefix + name;
    }

    /** The future's value, or an assertion failure after {@value #TIMEOUT_SECONDS} s. */
    protected static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("store future failed or timed out", e);
        }
    }
}
