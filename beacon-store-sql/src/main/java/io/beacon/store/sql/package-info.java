/**
 * The durable {@link io.beacon.settings.SettingsStore} on SQL: {@link io.beacon.store.sql.SqlSettingsStore}
 * runs one schema and the same SQL on an embedded SQLite file (the default, under {@code BEACON_DATA_DIR})
 * and on PostgreSQL (when {@code BEACON_DATABASE_URL} is set), with Flyway migrations, a HikariCP pool,
 * Caffeine read caches and a write-behind buffer for last seen.
 */
package io.beacon.store.sql;
