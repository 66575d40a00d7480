/** {@link io.beacon.error.BeaconError}: the single error type with the stable codes of protocol v1. */
package io.beacon.error;
