package io.beacon.bench.peers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client handler behind the real MQTT codec, with the broker played by the test. */
class MqttPresenceHandlerTest {
    private record Seen(int from, boolean online, String token) {
    }

    private final List<Seen> seen = new ArrayList<>();
    private final MqttPresenceHandler handler =
            new MqttPresenceHandler(3, 27, MqttQoS.AT_MOST_ONCE, (from, online, token, nanos) -> seen.add(new Seen(from, online, token)));
    private final EmbeddedChannel client = new EmbeddedChannel(new MqttDecoder(), MqttEncoder.INSTANCE, handler);
    // decodes what the client writes, as the broker would
    private final EmbeddedChannel broker = new EmbeddedChannel(new MqttDecoder());

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        broker.finishAndReleaseAll();
    }

    /** The next packet the client wrote, decoded. */
    private MqttMessage sent() {
        ByteBuf bytes = client.readOutbound();
        assertThat(bytes).as("a packet written by the client").isNotNull();
        broker.writeInbound(bytes);
        MqttMessage m = broker.readInbound();
        assertThat(m).isNotNull();
        assertThat(m.decoderResult().isSuccess()).isTrue();
        return m;
    }

    /** Encodes a broker packet and feeds its bytes to the client. */
    private void receive(MqttMessage m) {
        EmbeddedChannel enc = new EmbeddedChannel(MqttEncoder.INSTANCE);
        enc.writeOutbound(m);
        ByteBuf bytes = enc.readOutbound();
        enc.finishAndReleaseAll();
        client.writeInbound(bytes);
    }

    private static MqttConnAckMessage connAck(MqttConnectReturnCode code) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
    }

    private static MqttMessage pubAck(int id) {
        return MqttMessageBuilders.pubAck().packetId(id).build();
    }

    private static MqttPublishMessage publish(String topic, String payload, boolean retain, MqttQoS qos, int id) {
        return MqttMessageBuilders.publish().topicName(topic).payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8))
                .retained(retain).qos(qos).messageId(id).build();
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private static String payload(MqttPublishMessage p) {
        String s = p.payload().toString(StandardCharsets.UTF_8);
        ReferenceCountUtil.release(p);
        return s;
    }

    /** CONNECT, CONNACK, the online PUBLISH and its PUBACK. */
    private void login() {
        sent(); // CONNECT
        receive(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
        MqttPublishMessage online = (MqttPublishMessage) sent();
        receive(pubAck(online.variableHeader().packetId()));
        ReferenceCountUtil.release(online);
        assertThat(handler.ready()).isCompleted();
    }

    @Test
    void connectCarriesClientIdKeepaliveAndRetainedWill() {
        MqttConnectMessage c = (MqttConnectMessage) sent();
        assertThat(c.variableHeader().name()).isEqualTo("MQTT");
        assertThat(c.variableHeader().version()).isEqualTo(4); // 3.1.1
        assertThat(c.variableHeader().isCleanSession()).isTrue();
        assertThat(c.variableHeader().keepAliveTimeSeconds()).isEqualTo(27);
        assertThat(c.variableHeader().isWillFlag()).isTrue();
        assertThat(c.variableHeader().isWillRetain()).isTrue();
        assertThat(c.variableHeader().willQos()).isEqualTo(1);
        assertThat(c.payload().clientIdentifier()).isEqualTo("u3");
        assertThat(c.payload().willTopic()).isEqualTo("presence/u3");
        assertThat(new String(c.payload().willMessageInBytes(), StandardCharsets.UTF_8)).isEqualTo("offline");
        assertThat(c.variableHeader().hasUserName()).isFalse();
        assertThat(handler.ready()).isNotDone();
    }

    @Test
    void publishesRetainedOnlineAfterConnAckAndIsReadyOnItsPubAck() {
        sent();
        receive(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
        MqttPublishMessage online = (MqttPublishMessage) sent();
        assertThat(online.variableHeader().topicName()).isEqualTo("presence/u3");
        assertThat(online.fixedHeader().isRetain()).isTrue();
        assertThat(online.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
        int id = online.variableHeader().packetId();
        assertThat(payload(online)).isEqualTo("online:");
        assertThat(handler.ready()).isNotDone();
        receive(pubAck(id + 1)); // someone else's ack
        assertThat(handler.ready()).isNotDone();
        receive(pubAck(id));
        assertThat(handler.ready()).isCompleted();
    }

    @Test
    void refusedConnectionFailsAndCloses() {
        sent();
        receive(connAck(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED));
        assertThat(handler.ready()).isCompletedExceptionally();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void closedBeforeReadyFails() {
        sent();
        client.close();
        assertThat(handler.ready()).isCompletedExceptionally();
    }

    @Test
    void incomingPresenceReachesTheListener() {
        login();
        receive(publish("presence/u7", "online:t123", false, MqttQoS.AT_MOST_ONCE, 0));
        receive(publish("presence/u8", "offline", false, MqttQoS.AT_MOST_ONCE, 0));
        receive(publish("presence/u9", "online:", false, MqttQoS.AT_MOST_ONCE, 0));
        assertThat(seen).containsExactly(new Seen(7, true, "t123"), new Seen(8, false, null), new Seen(9, true, null));
        assertThat((Object) client.readOutbound()).isNull(); // QoS 0: nothing to acknowledge
    }

    @Test
    void retainedSnapshotsCarryNoTokenAndSelfIsIgnored() {
        login();
        receive(publish("presence/u7", "online:t-old", true, MqttQoS.AT_MOST_ONCE, 0));
        receive(publish("presence/u3", "online:mine", false, MqttQoS.AT_MOST_ONCE, 0));
        receive(publish("other/topic", "online", false, MqttQoS.AT_MOST_ONCE, 0));
        assertThat(seen).containsExactly(new Seen(7, true, null));
    }

    @Test
    void qos1DeliveriesAreAcknowledged() {
        login();
        receive(publish("presence/u7", "offline", false, MqttQoS.AT_LEAST_ONCE, 321));
        MqttMessage ack = sent();
        assertThat(ack.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
        assertThat(packetId(ack)).isEqualTo(321);
        assertThat(seen).containsExactly(new Seen(7, false, null));
    }

    @Test
    void subscribeBatchesTopicsAndCompletesOnSubAck() {
        login();
        CompletableFuture<Void> done = handler.subscribe(List.of("presence/u1", "presence/u2", "presence/u4"));
        MqttSubscribeMessage s = (MqttSubscribeMessage) sent();
        assertThat(s.payload().topicSubscriptions()).extracting(MqttTopicSubscription::topicName)
                .containsExactly("presence/u1", "presence/u2", "presence/u4");
        assertThat(s.payload().topicSubscriptions()).extracting(MqttTopicSubscription::qualityOfService)
                .containsOnly(MqttQoS.AT_MOST_ONCE);
        assertThat(done).isNotDone();
        receive(MqttMessageBuilders.subAck().packetId(s.variableHeader().messageId())
                .addGrantedQoses(MqttQoS.AT_MOST_ONCE, MqttQoS.AT_MOST_ONCE, MqttQoS.AT_MOST_ONCE).build());
        assertThat(done).isCompleted();
    }

    @Test
    void refusedSubscriptionFails() {
        login();
        CompletableFuture<Void> done = handler.subscribe(List.of("presence/u1"));
        MqttSubscribeMessage s = (MqttSubscribeMessage) sent();
        receive(MqttMessageBuilders.subAck().packetId(s.variableHeader().messageId()).addGrantedQos(MqttQoS.FAILURE).build());
        assertThat(done).isCompletedExceptionally();
    }

    @Test
    void publishStatusAndPing() {
        login();
        handler.publish(MqttPresence.onlinePayload("t42"), null);
        MqttPublishMessage p = (MqttPublishMessage) sent();
        assertThat(p.fixedHeader().isRetain()).isTrue();
        assertThat(payload(p)).isEqualTo("online:t42");
        handler.ping();
        assertThat(sent().fixedHeader().messageType()).isEqualTo(MqttMessageType.PINGREQ);
    }

    @Test
    void frozenClientNeitherReadsNorWrites() {
        login();
        handler.freeze();
        assertThat(client.config().isAutoRead()).isFalse();
        handler.ping();
        handler.publish(MqttPresence.onlinePayload("t1"), null);
        assertThat((Object) client.readOutbound()).isNull();
        receive(publish("presence/u7", "online:t5", false, MqttQoS.AT_MOST_ONCE, 0));
        assertThat(seen).isEmpty();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void logoutPublishesOfflineThenDisconnects() {
        login();
        CompletableFuture<Void> closed = handler.logout();
        MqttPublishMessage off = (MqttPublishMessage) sent();
        assertThat(off.fixedHeader().isRetain()).isTrue();
        int id = off.variableHeader().packetId();
        assertThat(payload(off)).isEqualTo("offline");
        assertThat(closed).isNotDone();
        receive(pubAck(id));
        assertThat(sent().fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
        assertThat(client.isOpen()).isFalse();
        assertThat(closed).isCompleted();
    }
}
