package io.beacon.bench.peers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MqttPresenceTest {

    @Test
    void namesUsersTopicsAndPayloads() {
        assertThat(MqttPresence.clientId(42)).isEqualTo("u42");
        assertThat(MqttPresence.topic(42)).isEqualTo("presence/u42");
        assertThat(new String(MqttPresence.onlinePayload("t123"), StandardCharsets.UTF_8)).isEqualTo("online:t123");
        assertThat(new String(MqttPresence.onlinePayload(null), StandardCharsets.UTF_8)).isEqualTo("online:");
        assertThat(new String(MqttPresence.offlinePayload(), StandardCharsets.UTF_8)).isEqualTo("offline");
    }

    @Test
    void parsesOnlineWithAndWithoutToken() {
        assertThat(MqttPresence.parse("presence/u7", "online:t99")).isEqualTo(new MqttPresence.Update(7, true, "t99"));
        assertThat(MqttPresence.parse("presence/u7", "online:")).isEqualTo(new MqttPresence.Update(7, true, null));
        assertThat(MqttPresence.parse("presence/u7", "online")).isEqualTo(new MqttPresence.Update(7, true, null));
        assertThat(MqttPresence.parse("presence/u0", "online:a:b")).isEqualTo(new MqttPresence.Update(0, true, "a:b"));
    }

    @Test
    void parsesOffline() {
        assertThat(MqttPresence.parse("presence/u12", "offline")).isEqualTo(new MqttPresence.Update(12, false, null));
        assertThat(MqttPresence.parse("presence/u12", "")).isEqualTo(new MqttPresence.Update(12, false, null));
    }

    @Test
    void rejectsOtherTopics() {
        assertThat(MqttPresence.parse("presence/x7", "online")).isNull();
        assertThat(MqttPresence.parse("presence/u", "online")).isNull();
        assertThat(MqttPresence.parse("presence/u7/extra", "online")).isNull();
        assertThat(MqttPresence.parse("other/u7", "online")).isNull();
        assertThat(MqttPresence.parse("presence/u12345678901", "online")).isNull();
    }

    @Test
    void keepAliveIsTtlOverOneAndAHalf() {
        assertThat(MqttPresence.keepAliveSeconds(Duration.ofSeconds(40))).isEqualTo(27);
        assertThat(MqttPresence.keepAliveSeconds(Duration.ofSeconds(3))).isEqualTo(2);
        assertThat(MqttPresence.keepAliveSeconds(Duration.ofSeconds(30))).isEqualTo(20);
        assertThat(MqttPresence.keepAliveSeconds(Duration.ofMillis(100))).isEqualTo(1);
        assertThat(MqttPresence.keepAliveSeconds(Duration.ofDays(10))).isEqualTo(65_535);
    }
}
