package io.beacon.store.sql;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.beacon.presence.CustomStatus;
import io.beacon.presence.ManualStatus;
import io.beacon.settings.LastSeenPrecision;
import io.beacon.settings.SettingsStore;
import io.beacon.settings.UserSettings;
import io.beacon.settings.Visibility;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The durable {@link SettingsStore}: JDBC on an embedded SQLite file or on PostgreSQL, with one schema and
 * the same SQL for both (portable types, {@code INSERT ... ON CONFLICT ... DO UPDATE} upserts).
 *
 * <h2>Opening</h2>
 * <pre>{@code
 * // SQLite file <dataDir>/beacon.db (WAL journal, synchronous=NORMAL), the embedded default:
 * SqlSettingsStore store = SqlSettingsStore.sqlite(Path.of("./data"));
 * // PostgreSQL (user and password may be in the URL):
 * SqlSettingsStore store = SqlSettingsStore.postgres("jdbc:postgresql://db:5432/beacon?user=beacon&password=secret");
 * // From configuration: PostgreSQL when BEACON_DATABASE_URL is set, else SQLite under BEACON_DATA_DIR:
 * SqlSettingsStore store = SqlSettingsStore.open(dataDir, databaseUrlOrNull, SqlSettingsStore.Options.DEFAULTS);
 *
 * store.setManual("alice", ManualStatus.BUSY).join();   // completes after COMMIT
 * store.get("alice").thenAccept(s -> ...);              // served from the cache when warm
 * store.close();                                        // flushes pending last seen, closes the pool
 * }</pre>
 * Opening applies the migrations (Flyway, history table {@value #SCHEMA_HISTORY_TABLE}, scripts under
 * {@value #MIGRATIONS_LOCATION}) before anything else; they are applied once and re-opening is a no-op.
 * Opening fails with an {@link IllegalStateException} when the database cannot be reached or migrated.
 *
 * <h2>Settings</h2>
 * <table>
 *   <caption>{@link Options}, with their defaults</caption>
 *   <tr><th>Option</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code writeThreads}</td><td>2</td><td>Write lanes, one thread each; a user's writes always go
 *       through the same lane, so they commit in the order they were issued. SQLite always uses 1 (it has
 *       a single writer anyway).</td></tr>
 *   <tr><td>{@code readThreads}</td><td>2</td><td>Threads that load cache misses.</td></tr>
 *   <tr><td>pool size</td><td>writeThreads + readThreads + 1</td><td>HikariCP connections (the extra one is
 *       the last-seen flusher's); derived, never waited for.</td></tr>
 *   <tr><td>{@code cacheMaxUsers}</td><td>100,000</td><td>Entries in each of the three Caffeine caches
 *       (settings, contacts, blocks); least-recently-used users are evicted beyond it.</td></tr>
 *   <tr><td>{@code cacheExpireAfterWrite}</td><td>0 (never)</td><td>Optional time-to-live of a cached
 *       entry, a safety net for deployments whose other nodes write without telling this one.</td></tr>
 *   <tr><td>{@code lastSeenFlushInterval}</td><td>1 s</td><td>How often pending last-seen values are written
 *       (one batch transaction).</td></tr>
 *   <tr><td>{@code connectionTimeout}</td><td>10 s</td><td>Waiting for a connection, and SQLite's busy
 *       timeout.</td></tr>
 * </table>
 *
 * <h2>Durability</h2>
 * Every write except {@link #setLastSeen} completes its future only after its transaction has
 * committed (SQLite: WAL with {@code synchronous=NORMAL}; PostgreSQL: the server's commit), so a
 * {@code kill -9} right after an acknowledgement loses nothing: settings, manual status, custom status,
 * contacts and blocks are all there after a restart. With WAL, {@code NORMAL} makes a commit durable
 * against the process dying (the data is in the operating system's hands) without an fsync per
 * commit; only an operating-system crash or power loss may lose the last commits before the next
 * checkpoint. PostgreSQL's durability is its own ({@code synchronous_commit}).
 * <p><b>Last seen is written behind:</b> {@link #setLastSeen} records the value in memory (keeping the
 * maximum per user) and completes at once; readers of this store see it immediately, and a flusher writes
 * all pending values in one transaction every {@code lastSeenFlushInterval} (default one second).
 * {@link #close()} flushes what is pending. <b>A crash (or {@code kill -9}) may therefore lose the last
 * second of last-seen updates</b>; nothing else.
 *
 * <h2>Caching and consistency</h2>
 * {@link #get}, {@link #contacts} and {@link #blocks} are served from bounded Caffeine caches that are
 * loaded on a miss and invalidated by every write to that user <em>before</em> the write's future
 * completes, so a reader that starts after an acknowledgement sees the write. Writes made by another
 * process (another cluster node) are not seen until {@link #invalidate(String)} is called for that user
 * (e.g. from a message on the {@code Bus}) or the optional {@code cacheExpireAfterWrite} passes.
 * Last seen only moves forward, in memory and in SQL ({@code ... DO UPDATE ... WHERE excluded.last_seen >
 * last_seen}).
 *
 * <h2>Threads</h2>
 * JDBC never runs on the caller's thread. Futures complete on the store's own threads; dependent stages
 * registered before completion run there too, so keep them short (or use the {@code *Async} variants) and
 * never block on another future of this store inside them. Arguments are checked eagerly: {@code null}
 * ids, statuses or collections throw {@link NullPointerException} on the calling thread. After
 * {@link #close()} every method returns a future failed with {@link IllegalStateException}.
 */
public final class SqlSettingsStore implements SettingsStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqlSettingsStore.class);

    /** The SQLite database file created under the data directory. */
    public static final String DATABASE_FILE = "beacon.db";
    /** Where the (plain SQL, database-neutral) Flyway migrations live on the classpath. */
    public static final String MIGRATIONS_LOCATION = "classpath:io/beacon/store/sql/migration";
    /** Flyway's schema history table; prefixed so that a database shared with an application stays tidy. */
    public static final String SCHEMA_HISTORY_TABLE = "beacon_schema_history";

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final int BATCH_CHUNK = 500;

    // ---------------------------------------------------------------- SQL (identical for both databases)

    private static final String SELECT_SETTINGS =
            "SELECT visibility, last_seen_visibility, last_seen_precision, manual_status, custom_text, custom_emoji,"
            + " custom_expires_at, last_seen FROM beacon_user_settings WHERE user_id = ?";
    private static final String UPSERT_MANUAL =
            "INSERT INTO beacon_user_settings (user_id, manual_status) VALUES (?, ?)"
            + " ON CONFLICT (user_id) DO UPDATE SET manual_status = excluded.manual_status,"
            + " revision = beacon_user_settings.revision + 1";
    private static final String UPSERT_CUSTOM_STATUS =
            "INSERT INTO beacon_user_settings (user_id, custom_text, custom_emoji, custom_expires_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (user_id) DO UPDATE SET custom_text = excluded.custom_text,"
            + " custom_emoji = excluded.custom_emoji, custom_expires_at = excluded.custom_expires_at,"
            + " revision = beacon_user_settings.revision + 1";
    private static final String UPSERT_PRIVACY =
            "INSERT INTO beacon_user_settings (user_id, visibility, last_seen_visibility, last_seen_precision)"
            + " VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (user_id) DO UPDATE SET visibility = excluded.visibility,"
            + " last_seen_visibility = excluded.last_seen_visibility,"
            + " last_seen_precision = excluded.last_seen_precision,"
            + " revision = beacon_user_settings.revision + 1";
    /** Last seen only moves forward: the update applies only when the new value is greater. */
    private static final String UPSERT_LAST_SEEN =
            "INSERT INTO beacon_user_settings (user_id, last_seen) VALUES (?, ?)"
            + " ON CONFLICT (user_id) DO UPDATE SET last_seen = excluded.last_seen"
            + " WHERE excluded.last_seen > beacon_user_settings.last_seen";
    /**
     * First statement of every contacts/blocks transaction: it makes sure the user's row exists and locks it
     * (PostgreSQL row lock, SQLite write lock), so concurrent replacements of one user's set serialize.
     */
    private static final String TOUCH_USER =
            "INSERT INTO beacon_user_settings (user_id) VALUES (?)"
            + " ON CONFLICT (user_id) DO UPDATE SET revision = beacon_user_settings.revision + 1";

    /** One of the two user-id sets (contacts, blocks): its table, its column and its SQL. */
    private record IdSet(String name, String select, String deleteAll, String insert, String deleteOne) {
        static IdSet of(String table, String column) {
            return new IdSet(table,
                    "SELECT " + column + " FROM " + table + " WHERE user_id = ?",
                    "DELETE FROM " + table + " WHERE user_id = ?",
                    "INSERT INTO " + table + " (user_id, " + column + ") VALUES (?, ?)"
                            + " ON CONFLICT (user_id, " + column + ") DO NOTHING",
                    "DELETE FROM " + table + " WHERE user_id = ? AND " + column + " = ?");
        }
    }

    private static final IdSet CONTACTS = IdSet.of("beacon_contacts", "contact_id");
    private static final IdSet BLOCKS = IdSet.of("beacon_blocks", "blocked_id");

    /** Which database a store runs on. */
    public enum Dialect {
        /** An embedded SQLite file. */
        SQLITE,
        /** A PostgreSQL server. */
        POSTGRESQL
    }

    /**
     * Tuning of a {@link SqlSettingsStore}; see the table in the class documentation. Start from
     * {@link #DEFAULTS} and change what you need with the {@code with*} methods.
     *
     * @param writeThreads          write lanes (SQLite always uses 1)
     * @param readThreads           threads loading cache misses
     * @param cacheMaxUsers         maximum entries of each cache (settings, contacts, blocks)
     * @param cacheExpireAfterWrite time-to-live of a cache entry; {@link Duration#ZERO} = until invalidated
     * @param lastSeenFlushInterval how often pending last-seen values are written
     * @param connectionTimeout     waiting for a pooled connection, and SQLite's busy timeout
     */
    public record Options(int writeThreads, int readThreads, long cacheMaxUsers, Duration cacheExpireAfterWrite,
                          Duration lastSeenFlushInterval, Duration connectionTimeout) {
        /** 2 write lanes, 2 readers, 100k users per cache, no TTL, 1 s flushes, 10 s timeouts. */
        public static final Options DEFAULTS = new Options(2, 2, 100_000, Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(10));

        /** Checks the values. */
        public Options {
            if (writeThreads < 1 || readThreads < 1) {
                throw new IllegalArgumentException("writeThreads and readThreads must be >= 1");
            }
            if (cacheMaxUsers < 0) {
                throw new IllegalArgumentException("cacheMaxUsers must be >= 0");
            }
            Objects.requireNonNull(cacheExpireAfterWrite, "cacheExpireAfterWrite");
            Objects.requireNonNull(lastSeenFlushInterval, "lastSeenFlushInterval");
            Objects.requireNonNull(connectionTimeout, "connectionTimeout");
            if (cacheExpireAfterWrite.isNegative()) {
                throw new IllegalArgumentException("cacheExpireAfterWrite must be >= 0");
            }
            if (lastSeenFlushInterval.toMillis() < 1) {
                throw new IllegalArgumentException("lastSeenFlushInterval must be >= 1 ms");
            }
            if (connectionTimeout.toMillis() < 250) {
                throw new IllegalArgumentException("connectionTimeout must be >= 250 ms");
            }
        }

        /** A copy with another number of write lanes. */
        public Options withWriteThreads(int n) {
            return new Options(n, readThreads, cacheMaxUsers, cacheExpireAfterWrite, lastSeenFlushInterval, connectionTimeout);
        }

        /** A copy with another number of reader threads. */
        public Options withReadThreads(int n) {
            return new Options(writeThreads, n, cacheMaxUsers, cacheExpireAfterWrite, lastSeenFlushInterval, connectionTimeout);
        }

        /** A copy with another cache bound. */
        public Options withCacheMaxUsers(long n) {
            return new Options(writeThreads, readThreads, n, cacheExpireAfterWrite, lastSeenFlushInterval, connectionTimeout);
        }

        /** A copy with another cache time-to-live ({@link Duration#ZERO} = none). */
        public Options withCacheExpireAfterWrite(Duration d) {
            return new Options(writeThreads, readThreads, cacheMaxUsers, d, lastSeenFlushInterval, connectionTimeout);
        }

        /** A copy with another last-seen flush interval. */
        public Options withLastSeenFlushInterval(Duration d) {
            return new Options(writeThreads, readThreads, cacheMaxUsers, cacheExpireAfterWrite, d, connectionTimeout);
        }

        /** A copy with another connection (and SQLite busy) timeout. */
        public Options withConnectionTimeout(Duration d) {
            return new Options(writeThreads, readThreads, cacheMaxUsers, cacheExpireAfterWrite, lastSeenFlushInterval, d);
        }
    }

    @FunctionalInterface
    private interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    private final Dialect dialect;
    private final String description;
    private final HikariDataSource pool;
    private final ExecutorService[] writers;
    private final ExecutorService readers;
    private final ScheduledExecutorService flusher;
    private final AsyncLoadingCache<String, UserSettings> settingsCache;
    private final AsyncLoadingCache<String, Set<String>> contactsCache;
    private final AsyncLoadingCache<String, Set<String>> blocksCache;
    private final ConcurrentHashMap<String, Long> pendingLastSeen = new ConcurrentHashMap<>();
    private final Object flushLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();

    private SqlSettingsStore(Dialect dialect, String description, HikariDataSource pool, int writeLanes,
                             Options options) {
        this.dialect = dialect;
        this.description = description;
        this.pool = pool;
        this.writers = new ExecutorService[writeLanes];
        for (int i = 0; i < writeLanes; i++) {
            writers[i] = Executors.newSingleThreadExecutor(threads("beacon-sql-write-" + i));
        }
        this.readers = Executors.newFixedThreadPool(options.readThreads(), threads("beacon-sql-read-"));
        this.flusher = Executors.newSingleThreadScheduledExecutor(threads("beacon-sql-flush"));
        this.settingsCache = cache(options, this::loadSettings);
        this.contactsCache = cache(options, u -> loadSet(CONTACTS, u));
        this.blocksCache = cache(options, u -> loadSet(BLOCKS, u));
        long every = options.lastSeenFlushInterval().toMillis();
        flusher.scheduleWithFixedDelay(this::scheduledFlush, every, every, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- opening

    /** Opens (creating and migrating if needed) {@code dataDir/beacon.db} with the default options. */
    public static SqlSettingsStore sqlite(Path dataDir) {
        return sqlite(dataDir, Options.DEFAULTS);
    }

    /**
     * Opens (creating the directory, the file and the schema if needed) {@code dataDir/beacon.db}: WAL
     * journal, {@code synchronous=NORMAL} (durable across process crashes, see the class Javadoc), a busy timeout of {@code options.connectionTimeout()}, foreign keys
     * on.
     *
     * @throws IllegalStateException when the file cannot be opened or migrated
     */
    public static SqlSettingsStore sqlite(Path dataDir, Options options) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(options, "options");
        Path file;
        try {
            Files.createDirectories(dataDir);
            file = dataDir.resolve(DATABASE_FILE).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, options.connectionTimeout().toMillis()));
        config.enforceForeignKeys(true);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + file);

        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(sqlite);
        return open(Dialect.SQLITE, "SQLite " + file, hikari, 1, options);
    }

    /** Connects to PostgreSQL with the default options; see {@link #postgres(String, Options)}. */
    public static SqlSettingsStore postgres(String jdbcUrl) {
        return postgres(jdbcUrl, Options.DEFAULTS);
    }

    /**
     * Connects to PostgreSQL and migrates the schema. The URL is a JDBC URL
     * ({@code jdbc:postgresql://host:port/db?user=u&password=p}) or a libpq-style URI
     * ({@code postgres://u:p@host:port/db}), see {@link #toJdbcUrl(String)}.
     *
     * @throws IllegalStateException    when the server cannot be reached or the schema cannot be migrated
     * @throws IllegalArgumentException when the URL is not a PostgreSQL URL
     */
    public static SqlSettingsStore postgres(String jdbcUrl, Options options) {
        Objects.requireNonNull(options, "options");
        String url = toJdbcUrl(jdbcUrl);
        HikariConfig hikari = new HikariConfig();
        hikari.setDriverClassName("org.postgresql.Driver");
        // user and password move from the URL to the pool's properties, so that the URL that the driver
        // reports (and Flyway logs) carries no password
        int q = url.indexOf('?');
        if (q < 0) {
            hikari.setJdbcUrl(url);
        } else {
            StringBuilder rest = new StringBuilder();
            for (String param : url.substring(q + 1).split("&")) {
                int eq = param.indexOf('=');
                String key = eq < 0 ? param : param.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equals("user")) {
                    hikari.setUsername(value);
                } else if (key.equals("password")) {
                    hikari.setPassword(value);
                } else if (!param.isEmpty()) {
                    rest.append(rest.isEmpty() ? "?" : "&").append(param);
                }
            }
            hikari.setJdbcUrl(url.substring(0, q) + rest);
        }
        return open(Dialect.POSTGRESQL, "PostgreSQL " + redact(url), hikari, options.writeThreads(), options);
    }

    /**
     * Opens the store the configuration asks for: PostgreSQL when {@code databaseUrl}
     * ({@code BEACON_DATABASE_URL}) is set and not blank, else SQLite under {@code dataDir}
     * ({@code BEACON_DATA_DIR}).
     */
    public static SqlSettingsStore open(Path dataDir, String databaseUrl, Options options) {
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            return postgres(databaseUrl.strip(), options);
        }
        return sqlite(dataDir, options);
    }

    /**
     * Normalizes a PostgreSQL URL to a JDBC URL: {@code jdbc:postgresql:...} is returned as it is;
     * {@code postgres://user:password@host:port/db?params} and {@code postgresql://...} become
     * {@code jdbc:postgresql://host:port/db?user=...&password=...&params}.
     *
     * @throws IllegalArgumentException when the URL is none of these
     */
    public static String toJdbcUrl(String databaseUrl) {
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        String url = databaseUrl.strip();
        if (url.startsWith("jdbc:postgresql:")) {
            return url;
        }
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new IllegalArgumentException("not a PostgreSQL URL (jdbc:postgresql://... or postgres://...): "
                    + redact(url));
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed PostgreSQL URL: " + redact(url), e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("PostgreSQL URL without a host: " + redact(url));
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() != -1) {
            jdbc.append(':').append(uri.getPort());
        }
        String path = uri.getRawPath();
        jdbc.append(path == null || path.isEmpty() ? "/" : path);
        StringBuilder query = new StringBuilder();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            query.append("user=").append(reencode(user));
            if (colon >= 0) {
                query.append("&password=").append(reencode(userInfo.substring(colon + 1)));
            }
        }
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            if (!query.isEmpty()) {
                query.append('&');
            }
            query.append(uri.getRawQuery());
        }
        if (!query.isEmpty()) {
            jdbc.append('?').append(query);
        }
        return jdbc.toString();
    }

    private static String reencode(String raw) {
        return URLEncoder.encode(URLDecoder.decode(raw, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /** The URL with any password replaced by {@code ***}, for messages and logs. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//([^:/@?]+):[^@/?]*@", "//$1:***@");
    }

    private static SqlSettingsStore open(Dialect dialect, String description, HikariConfig hikari, int writeLanes,
                                         Options options) {
        int poolSize = writeLanes + options.readThreads() + 1;
        hikari.setPoolName("beacon-settings-" + dialect.name().toLowerCase(java.util.Locale.ROOT));
        hikari.setMaximumPoolSize(poolSize);
        hikari.setMinimumIdle(Math.min(2, poolSize));
        hikari.setConnectionTimeout(options.connectionTimeout().toMillis());
        hikari.setAutoCommit(true);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the settings database (" + description + "): " + e.getMessage(), e);
        }
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw new IllegalStateException("cannot migrate the settings database (" + description + "): " + e.getMessage(), e);
        }
        LOG.info("settings store: {} (pool {}, cache {} users/kind, last seen flushed every {} ms)", description,
                poolSize, options.cacheMaxUsers(), options.lastSeenFlushInterval().toMillis());
        return new SqlSettingsStore(dialect, description, pool, writeLanes, options);
    }

    private static void migrate(DataSource dataSource) {
        Flyway.configure(SqlSettingsStore.class.getClassLoader())
                .dataSource(dataSource)
                .locations(MIGRATIONS_LOCATION)
                .table(SCHEMA_HISTORY_TABLE)
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        boolean numbered = prefix.endsWith("-");
        return r -> {
            Thread t = new Thread(r, numbered ? prefix + n.getAndIncrement() : prefix);
            t.setDaemon(true);
            return t;
        };
    }

    @FunctionalInterface
    private interface Loader<V> {
        V load(String userId) throws SQLException;
    }

    private <V> AsyncLoadingCache<String, V> cache(Options options, Loader<V> loader) {
        Caffeine<Object, Object> b = Caffeine.newBuilder().maximumSize(options.cacheMaxUsers());
        if (!options.cacheExpireAfterWrite().isZero()) {
            b.expireAfterWrite(options.cacheExpireAfterWrite());
        }
        // loads run on our reader threads; Caffeine's own maintenance stays on its default executor
        return b.buildAsync((key, ignored) -> CompletableFuture.supplyAsync(() -> {
            try {
                return loader.load(key);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, readers));
    }

    // ---------------------------------------------------------------- introspection, invalidation

    /** Which database this store runs on. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * Drops everything cached about a user, so the next read goes to the database. Call it when another
     * node reports a change of that user (the cluster-wide invalidation over the {@code Bus}).
     */
    @Override
    public void invalidate(String userId) {
        Objects.requireNonNull(userId, "userId");
        settingsCache.synchronous().invalidate(userId);
        contactsCache.synchronous().invalidate(userId);
        blocksCache.synchronous().invalidate(userId);
    }

    /** Drops every cached entry (e.g. after reconnecting to a cluster whose invalidations were missed). */
    @Override
    public void invalidateAll() {
        settingsCache.synchronous().invalidateAll();
        contactsCache.synchronous().invalidateAll();
        blocksCache.synchronous().invalidateAll();
    }

    /** How many users have a last-seen value that is not written yet. */
    public int pendingLastSeenCount() {
        return pendingLastSeen.size();
    }

    /**
     * Writes the pending last-seen values now, on the flusher's thread; the future completes after the
     * commit. The periodic flusher does the same every {@code lastSeenFlushInterval}.
     */
    public CompletableFuture<Void> flushLastSeen() {
        if (closed.get()) {
            return closedFuture();
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            flusher.execute(() -> {
                try {
                    flushPending();
                    f.complete(null);
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            return closedFuture();
        }
        return f;
    }

    @Override
    public String toString() {
        return "SqlSettingsStore[" + description + "]";
    }

    // ---------------------------------------------------------------- reads

    @Override
    public CompletableFuture<UserSettings> get(String userId) {
        Objects.requireNonNull(userId, "userId");
        if (closed.get()) {
            return closedFuture();
        }
        // Read the pending value before the cache: a flush commits, then invalidates, then removes the
        // pending value, so either we see it here or the cache no longer holds the older row.
        Long pending = pendingLastSeen.get(userId);
        CompletableFuture<UserSettings> cached = settingsCache.get(userId);
        if (pending == null) {
            return cached.copy();
        }
        long p = pending;
        return cached.thenApply(s -> p > s.lastSeen() ? s.withLastSeen(p) : s);
    }

    @Override
    public CompletableFuture<Set<String>> contacts(String userId) {
        Objects.requireNonNull(userId, "userId");
        return closed.get() ? closedFuture() : contactsCache.get(userId).copy();
    }

    @Override
    public CompletableFuture<Set<String>> blocks(String userId) {
        Objects.requireNonNull(userId, "userId");
        return closed.get() ? closedFuture() : blocksCache.get(userId).copy();
    }

    private UserSettings loadSettings(String userId) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT_SETTINGS)) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return UserSettings.DEFAULTS;
                }
                Visibility visibility = Visibility.fromWire(rs.getString(1));
                Visibility lastSeenVisibility = Visibility.fromWire(rs.getString(2));
                LastSeenPrecision precision = LastSeenPrecision.fromWire(rs.getString(3));
                ManualStatus manual = ManualStatus.fromWire(rs.getString(4));
                String text = rs.getString(5);
                String emoji = rs.getString(6);
                long expiresAt = rs.getLong(7);
                long lastSeen = rs.getLong(8);
                CustomStatus custom = text == null ? null : new CustomStatus(text, emoji, expiresAt);
                return new UserSettings(visibility, lastSeenVisibility,
                        precision == null ? LastSeenPrecision.EXACT : precision,
                        manual == null ? ManualStatus.AUTO : manual, custom, lastSeen);
            }
        }
    }

    private Set<String> loadSet(IdSet set, String userId) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(set.select())) {
            ps.setString(1, userId);
            Set<String> ids = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return Set.copyOf(ids);
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CompletableFuture<Void> setManual(String userId, ManualStatus manual) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(manual, "manual");
        return write(userId, settingsCache, c -> {
            try (PreparedStatement ps = c.prepareStatement(UPSERT_MANUAL)) {
                ps.setString(1, userId);
                ps.setString(2, manual.wire());
                ps.executeUpdate();
            }
        });
    }

    @Override
    public CompletableFuture<Void> setCustomStatus(String userId, CustomStatus customStatus) {
        Objects.requireNonNull(userId, "userId");
        return write(userId, settingsCache, c -> {
            try (PreparedStatement ps = c.prepareStatement(UPSERT_CUSTOM_STATUS)) {
                ps.setString(1, userId);
                setText(ps, 2, customStatus == null ? null : customStatus.text());
                setText(ps, 3, customStatus == null ? null : customStatus.emoji());
                ps.setLong(4, customStatus == null ? 0 : customStatus.expiresAt());
                ps.executeUpdate();
            }
        });
    }

    @Override
    public CompletableFuture<Void> setPrivacy(String userId, Visibility visibility, Visibility lastSeenVisibility,
                                              LastSeenPrecision precision) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(precision, "precision");
        return write(userId, settingsCache, c -> {
            try (PreparedStatement ps = c.prepareStatement(UPSERT_PRIVACY)) {
                ps.setString(1, userId);
                setText(ps, 2, visibility == null ? null : visibility.wire());
                setText(ps, 3, lastSeenVisibility == null ? null : lastSeenVisibility.wire());
                ps.setString(4, precision.wire());
                ps.executeUpdate();
            }
        });
    }

    /**
     * Records last seen in memory (keeping the greatest value per user) and completes at once; the value is
     * visible to {@link #get} immediately and written within {@code lastSeenFlushInterval}. Values
     * {@code <= 0} ("never") change nothing. See the class documentation for what a crash may lose.
     */
    @Override
    public CompletableFuture<Void> setLastSeen(String userId, long lastSeenMillis) {
        Objects.requireNonNull(userId, "userId");
        if (closed.get()) {
            return closedFuture();
        }
        if (lastSeenMillis > 0) {
            pendingLastSeen.merge(userId, lastSeenMillis, Math::max);
        }
        return DONE;
    }

    @Override
    public CompletableFuture<Void> setContacts(String userId, Collection<String> contactIds) {
        return replaceSet(CONTACTS, contactsCache, userId, contactIds);
    }

    @Override
    public CompletableFuture<Void> patchContacts(String userId, Collection<String> add, Collection<String> remove) {
        return patchSet(CONTACTS, contactsCache, userId, add, remove);
    }

    @Override
    public CompletableFuture<Void> setBlocks(String userId, Collection<String> blockedIds) {
        return replaceSet(BLOCKS, blocksCache, userId, blockedIds);
    }

    @Override
    public CompletableFuture<Void> patchBlocks(String userId, Collection<String> add, Collection<String> remove) {
        return patchSet(BLOCKS, blocksCache, userId, add, remove);
    }

    private CompletableFuture<Void> replaceSet(IdSet set, AsyncLoadingCache<String, Set<String>> cache, String userId,
                                               Collection<String> ids) {
        Objects.requireNonNull(userId, "userId");
        Set<String> next = idsWithout(ids, userId);
        return write(userId, cache, c -> {
            touch(c, userId);
            try (PreparedStatement ps = c.prepareStatement(set.deleteAll())) {
                ps.setString(1, userId);
                ps.executeUpdate();
            }
            batch(c, set.insert(), userId, next);
        });
    }

    private CompletableFuture<Void> patchSet(IdSet set, AsyncLoadingCache<String, Set<String>> cache, String userId,
                                             Collection<String> add, Collection<String> remove) {
        Objects.requireNonNull(userId, "userId");
        Set<String> toRemove = idsWithout(remove, null);
        Set<String> toAdd = idsWithout(add, userId);
        toAdd.removeAll(toRemove); // like the in-memory store: additions first, then removals win
        return write(userId, cache, c -> {
            touch(c, userId);
            batch(c, set.insert(), userId, toAdd);
            batch(c, set.deleteOne(), userId, toRemove);
        });
    }

    private static Set<String> idsWithout(Collection<String> ids, String self) {
        Objects.requireNonNull(ids, "ids");
        Set<String> out = new LinkedHashSet<>(ids.size() * 2);
        for (String id : ids) {
            out.add(Objects.requireNonNull(id, "user id in collection"));
        }
        if (self != null) {
            out.remove(self);
        }
        return out;
    }

    private static void touch(Connection c, String userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TOUCH_USER)) {
            ps.setString(1, userId);
            ps.executeUpdate();
        }
    }

    private static void batch(Connection c, String sql, String userId, Set<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (String id : ids) {
                ps.setString(1, userId);
                ps.setString(2, id);
                ps.addBatch();
                if (++n % BATCH_CHUNK == 0) {
                    ps.executeBatch();
                }
            }
            if (n % BATCH_CHUNK != 0) {
                ps.executeBatch();
            }
        }
    }

    private static void setText(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    /**
     * Runs {@code work} in one transaction on the user's write lane, invalidates the user's entry in
     * {@code cache}, and only then completes the future (after COMMIT).
     */
    private <V> CompletableFuture<Void> write(String userId, AsyncLoadingCache<String, V> cache, SqlWork work) {
        if (closed.get()) {
            return closedFuture();
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        ExecutorService lane = writers[Math.floorMod(userId.hashCode(), writers.length)];
        try {
            lane.execute(() -> {
                try {
                    inTransaction(work);
                    cache.synchronous().invalidate(userId);
                    f.complete(null);
                } catch (Throwable t) {
                    // the outcome of a failed commit is unknown: drop the cached entry either way
                    cache.synchronous().invalidate(userId);
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            return closedFuture();
        }
        return f;
    }

    /**
     * One transaction. Every write transaction starts with a write statement, so SQLite takes its write
     * lock at the first statement (honouring the busy timeout) and never has to upgrade a read snapshot.
     */
    private void inTransaction(SqlWork work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- last seen write-behind

    private void scheduledFlush() {
        try {
            flushPending();
        } catch (Throwable t) {
            LOG.warn("settings store: writing {} pending last-seen values failed; retrying in the next flush",
                    pendingLastSeen.size(), t);
        }
    }

    /** Writes a snapshot of the pending values in one transaction (in user-id order, so concurrent flushers of
     * several nodes lock rows in the same order), then invalidates and forgets what was written. */
    private void flushPending() throws SQLException {
        synchronized (flushLock) {
            if (pendingLastSeen.isEmpty()) {
                return;
            }
            TreeMap<String, Long> snapshot = new TreeMap<>(pendingLastSeen);
            inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(UPSERT_LAST_SEEN)) {
                    int n = 0;
                    for (Map.Entry<String, Long> e : snapshot.entrySet()) {
                        ps.setString(1, e.getKey());
                        ps.setLong(2, e.getValue());
                        ps.addBatch();
                        if (++n % BATCH_CHUNK == 0) {
                            ps.executeBatch();
                        }
                    }
                    if (n % BATCH_CHUNK != 0) {
                        ps.executeBatch();
                    }
                }
            });
            for (Map.Entry<String, Long> e : snapshot.entrySet()) {
                settingsCache.synchronous().invalidate(e.getKey());
                pendingLastSeen.remove(e.getKey(), e.getValue()); // keeps a newer value that arrived meanwhile
            }
        }
    }

    // ---------------------------------------------------------------- closing

    /**
     * Stops accepting work, lets queued writes commit, writes the pending last-seen values, and closes
     * the pool. Idempotent. Call it after the presence engine has stopped producing writes.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        flusher.shutdown();
        for (ExecutorService w : writers) {
            w.shutdown();
        }
        boolean interrupted = false;
        try {
            for (ExecutorService w : writers) {
                if (!w.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("settings store: writes still running after 30 s at close");
                }
            }
            flusher.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            flushPending();
        } catch (Throwable t) {
            LOG.error("settings store: could not write {} pending last-seen values at close", pendingLastSeen.size(), t);
        }
        readers.shutdown();
        try {
            readers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        pool.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> CompletableFuture<T> closedFuture() {
        return CompletableFuture.failedFuture(new IllegalStateException("the settings store is closed"));
    }
}
