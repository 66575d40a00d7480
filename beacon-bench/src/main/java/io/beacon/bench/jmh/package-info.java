/**
 * JMH micro-benchmarks of Beacon's hot paths: the timer wheel, aggregation, protocol encoding and
 * parsing, and local fan-out through the engine. Run them with {@link io.beacon.bench.jmh.JmhMain}.
 */
package io.beacon.bench.jmh;
