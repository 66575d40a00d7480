package io.beacon.bus;

/** A listener's subscription to one channel; closing it twice is harmless. */
public interface BusSubscription extends AutoCloseable {
    @Override
    void close();
}
