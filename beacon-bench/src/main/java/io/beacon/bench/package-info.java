/**
 * Benchmarks of Beacon side by side with the presence servers people use today: the load generator
 * (Netty clients, thousands of sessions per process), the peer systems, the scenarios and their
 * results.
 */
package io.beacon.bench;
