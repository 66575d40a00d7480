/**
 * Mosquitto as a presence peer: {@link io.beacon.bench.peers.mqtt.MosquittoSystem} runs a private
 * broker; {@link io.beacon.bench.peers.mqtt.MqttDriver} opens MQTT 3.1.1 clients on Netty whose
 * presence is a retained message plus a last will. {@link io.beacon.bench.peers.mqtt.MqttSmoke} is a
 * manual end-to-end check.
 */
package io.beacon.bench.peers.mqtt;
