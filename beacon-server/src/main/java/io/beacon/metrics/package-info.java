/** Micrometer metrics of a node, exposed at {@code /metrics} in Prometheus text format. */
package io.beacon.metrics;
