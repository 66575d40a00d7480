package io.beacon.bus;

/** Receives the messages of a channel. */
@FunctionalInterface
public interface BusListener {
    void onMessage(String channel, BusMessage message);
}
