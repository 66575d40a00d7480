/**
 * Durable per-user settings (privacy, manual and custom status, last seen, contacts, blocks) behind the
 * {@link io.beacon.settings.SettingsStore} seam.
 */
package io.beacon.settings;
