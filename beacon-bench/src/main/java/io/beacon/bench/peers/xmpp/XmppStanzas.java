package io.beacon.bench.peers.xmpp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The few stanzas the benchmark client writes, and the presence it reads. */
public final class XmppStanzas {
    public static final String NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    public static final String NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    public static final String NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    public static final String NS_PING = "urn:xmpp:ping";

    private XmppStanzas() {
    }

    /** A presence update about user {@code from}; {@code token} is the status text or null. */
    public record Presence(int from, boolean online, String token) {
    }

    /** The user number of a JID {@code uN@domain[/resource]}, or -1 when it is not one of ours. */
    public static int userOf(String jid) {
        if (jid == null || jid.length() < 3 || jid.charAt(0) != 'u') {
            return -1;
        }
        int at = jid.indexOf('@');
        if (at < 2 || at > 11) {
            return -1;
        }
        int n = 0;
        for (int i = 1; i < at; i++) {
            char c = jid.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * Reads a {@code <presence>} stanza: available (no type) is online, {@code type='unavailable'}
     * offline; other types (probe, subscribe, error ...), presence from users that are not ours, and
     * presence from {@code self} (the server echoes our own) give null.
     */
    public static Presence presence(XmlElement e, int self) {
        if (!e.name().equals("presence")) {
            return null;
        }
        int from = userOf(e.attr("from"));
        if (from < 0 || from == self) {
            return null;
        }
        String type = e.attr("type");
        boolean online;
        if (type == null || type.isEmpty() || type.equals("available")) {
            online = true;
        } else if (type.equals("unavailable")) {
            online = false;
        } else {
            return null;
        }
        String status = e.childText("status");
        if (e.child("delay") != null) {
            status = null; // a replay of an earlier presence (XEP-0203): its token was timed when it was new
        }
        return new Presence(from, online, status == null || status.isEmpty() ? null : status);
    }

    public static String streamHeader(String domain) {
        return "<?xml version='1.0'?><stream:stream to='" + domain + "' xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    }

    public static String authPlain(String user, String password) {
        byte[] raw = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
        return "<auth xmlns='" + NS_SASL + "' mechanism='PLAIN'>" + Base64.getEncoder().encodeToString(raw) + "</auth>";
    }

    public static String bind(String id, String resource) {
        return "<iq type='set' id='" + id + "'><bind xmlns='" + NS_BIND + "'><resource>" + XmlElement.escape(resource)
                + "</resource></bind></iq>";
    }

    public static String session(String id) {
        return "<iq type='set' id='" + id + "'><session xmlns='" + NS_SESSION + "'/></iq>";
    }

    /** Available presence carrying {@code token} as its status (no status element when null). */
    public static String available(String token) {
        return token == null ? "<presence/>" : "<presence><status>" + XmlElement.escape(token) + "</status></presence>";
    }

    public static String unavailable() {
        return "<presence type='unavailable'/>";
    }

    public static String ping(String id, String to) {
        return "<iq type='get' id='" + id + "' to='" + to + "'><ping xmlns='" + NS_PING + "'/></iq>";
    }

    /** The reply to an iq get/set we received: a result for pings, service-unavailable otherwise. */
    public static String iqReply(XmlElement iq) {
        String id = iq.attr("id");
        String from = iq.attr("from");
        String idAttr = id == null ? "" : " id='" + XmlElement.escape(id) + "'";
        String toAttr = from == null ? "" : " to='" + XmlElement.escape(from) + "'";
        if (iq.child("ping", NS_PING) != null) {
            return "<iq type='result'" + idAttr + toAttr + "/>";
        }
        return "<iq type='error'" + idAttr + toAttr + "><error type='cancel'>"
                + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
    }

    public static String streamClose() {
        return "</stream:stream>";
    }
}
