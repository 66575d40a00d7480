/**
 * Beacon's settings: the immutable {@link io.beacon.config.BeaconConfig}, the list of settings
 * {@link io.beacon.config.ConfigKey}, and {@link io.beacon.config.ConfigLoader}, which reads
 * defaults, a config file, {@code BEACON_*} environment variables and command-line flags (in that
 * order of precedence) and reports every mistake as a one-line
 * {@link io.beacon.config.ConfigException}.
 */
package io.beacon.config;
