package io.beacon.bench.peers.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class XmppPresenceTest {

    private static XmppStanzas.Presence presence(String xml, int self) {
        return XmppStanzas.presence(XmlElement.parse(xml), self);
    }

    @Test
    void availablePresenceWithStatusToken() {
        XmppStanzas.Presence p = presence("<presence from='u42@bench.local/bench' to='u1@bench.local/bench' xml:lang='en'>"
                + "<status>t123456789</status></presence>", 1);
        assertThat(p).isEqualTo(new XmppStanzas.Presence(42, true, "t123456789"));
    }

    @Test
    void aReplayedPresenceIsOnlineWithoutItsOldToken() {
        // ejabberd puts <delay> before <status>, Prosody after: both parse; the token was timed when it was new
        XmppStanzas.Presence a = presence("<presence xml:lang='en' to='u2@bench.local/bench' from='u0@bench.local/bench'>"
                + "<delay from='u0@bench.local/bench' stamp='2026-11-22T07:36:52.419710Z' xmlns='urn:xmpp:delay'/>"
                + "<status>t77</status></presence>", 2);
        XmppStanzas.Presence b = presence("<presence to=\"u1@bench.local/b\" from=\"u0@bench.local/b\" xml:lang=\"en\">"
                + "<status>t77</status><delay from='bench.local' xmlns='urn:xmpp:delay' stamp='2026-11-22T07:29:49Z'/>"
                + "</presence>", 1);
        assertThat(a).isEqualTo(new XmppStanzas.Presence(0, true, null));
        assertThat(b).isEqualTo(new XmppStanzas.Presence(0, true, null));
    }

    @Test
    void unavailableFromFullOrBareJid() {
        assertThat(presence("<presence from='u5@bench.local/bench' to='u1@bench.local' type='unavailable'/>", 1))
                .isEqualTo(new XmppStanzas.Presence(5, false, null));
        // Prosody answers a probe for an offline contact from the bare JID
        assertThat(presence("<presence from='u9@bench.local' type='unavailable' to='u0@bench.local/b'/>", 0))
                .isEqualTo(new XmppStanzas.Presence(9, false, null));
    }

    @Test
    void presenceWithoutStatusHasNullToken() {
        assertThat(presence("<presence from='u3@bench.local/x'/>", 0)).isEqualTo(new XmppStanzas.Presence(3, true, null));
        assertThat(presence("<presence from='u3@bench.local/x'><status/></presence>", 0))
                .isEqualTo(new XmppStanzas.Presence(3, true, null));
        assertThat(presence("<presence from='u3@bench.local/x'><show>away</show></presence>", 0))
                .isEqualTo(new XmppStanzas.Presence(3, true, null));
    }

    @Test
    void escapedStatusIsDecoded() {
        assertThat(presence("<presence from='u3@bench.local/x'><status>a&amp;b &lt;c&gt; &#x41;&#66;</status></presence>", 0)
                .token()).isEqualTo("a&b <c> AB");
    }

    @Test
    void ignoresSelfOtherTypesAndStrangers() {
        assertThat(presence("<presence from='u1@bench.local/bench' to='u1@bench.local/bench'><status>t1</status></presence>", 1)).isNull();
        assertThat(presence("<presence from='u2@bench.local' type='subscribe'/>", 1)).isNull();
        assertThat(presence("<presence from='u2@bench.local' type='probe'/>", 1)).isNull();
        assertThat(presence("<presence from='u2@bench.local' type='error'><error type='cancel'/></presence>", 1)).isNull();
        assertThat(presence("<presence from='bench.local'/>", 1)).isNull();
        assertThat(presence("<presence from='alice@bench.local/x'/>", 1)).isNull();
        assertThat(presence("<presence/>", 1)).isNull();
        assertThat(XmppStanzas.presence(XmlElement.parse("<message from='u2@bench.local/x'/>"), 1)).isNull();
    }

    @Test
    void userNumbersFromJids() {
        assertThat(XmppStanzas.userOf("u0@bench.local")).isZero();
        assertThat(XmppStanzas.userOf("u9999@bench.local/bench")).isEqualTo(9999);
        assertThat(XmppStanzas.userOf("u@bench.local")).isEqualTo(-1);
        assertThat(XmppStanzas.userOf("ux1@bench.local")).isEqualTo(-1);
        assertThat(XmppStanzas.userOf("bench.local")).isEqualTo(-1);
        assertThat(XmppStanzas.userOf(null)).isEqualTo(-1);
    }

    @Test
    void parsesFeaturesAndIqs() {
        XmlElement f = XmlElement.parse("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>"
                + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session></stream:features>");
        assertThat(f.name()).isEqualTo("stream:features");
        assertThat(f.localName()).isEqualTo("features");
        assertThat(f.child("bind", XmppStanzas.NS_BIND)).isNotNull();
        assertThat(f.child("session", XmppStanzas.NS_SESSION).child("optional")).isNotNull();

        XmlElement ping = XmlElement.parse("<iq to='u0@bench.local/bench' from='bench.local' type='get' id='rr-1/x+y='>"
                + "<ping xmlns='urn:xmpp:ping'/></iq>");
        assertThat(XmppStanzas.iqReply(ping)).isEqualTo("<iq type='result' id='rr-1/x+y=' to='bench.local'/>");
        XmlElement other = XmlElement.parse("<iq from='bench.local' type='get' id='v1'><query xmlns='jabber:iq:version'/></iq>");
        assertThat(XmppStanzas.iqReply(other)).contains("type='error'").contains("service-unavailable");
    }

    @Test
    void stanzasWeWriteEscapeTokens() {
        assertThat(XmppStanzas.available("a<b&'c'")).isEqualTo("<presence><status>a&lt;b&amp;&apos;c&apos;</status></presence>");
        assertThat(XmppStanzas.authPlain("u1", "bench-pw"))
                .isEqualTo("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AHUxAGJlbmNoLXB3</auth>");
        XmlElement round = XmlElement.parse(XmppStanzas.available("t<1>&2"));
        assertThat(round.childText("status")).isEqualTo("t<1>&2");
    }

    @Test
    void malformedXmlIsRejected() {
        assertThatThrownBy(() -> XmlElement.parse("<presence><status>x</presence>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlElement.parse("<presence a=b/>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlElement.parse("<presence>&bogus;</presence>")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamHeaderAsStartTag() {
        XmlElement h = XmlElement.parseStartTag("<?xml version='1.0'?><stream:stream id='17' from='bench.local' version='1.0'>");
        assertThat(h.name()).isEqualTo("stream:stream");
        assertThat(h.attr("id")).isEqualTo("17");
    }

    @Test
    void rostersAreMutualAndDeduplicated() {
        int[][] r = XmppSystem.rosters(4, new int[][] {{1, 2, 2, 0}, {0}, {}, {1}});
        assertThat(r[0]).containsExactly(1, 2);
        assertThat(r[1]).containsExactly(0, 3);
        assertThat(r[2]).containsExactly(0);
        assertThat(r[3]).containsExactly(1);
    }

    @Test
    void prosodyPathEncoding() {
        assertThat(ProsodySystem.encode("bench.local")).isEqualTo("bench%2elocal");
        assertThat(ProsodySystem.encode("u12")).isEqualTo("u12");
    }
}
