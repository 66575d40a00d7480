package io.beacon.presence;

/** One entry of a presence's {@code devices} list: a device kind and its status. */
public record DeviceStatus(Device device, Status status) {
}
