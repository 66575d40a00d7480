/**
 * The {@code beacon} command line ({@link io.beacon.cli.Main}): {@code serve}, {@code token} and
 * {@code config}, built with picocli. Every setting of {@link io.beacon.config.BeaconConfig} is a flag
 * of each subcommand.
 */
package io.beacon.cli;
