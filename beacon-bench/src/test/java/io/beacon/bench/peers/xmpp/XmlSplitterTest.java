package io.beacon.bench.peers.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XmlSplitterTest {

    /** Records events as strings: "open:...", the stanza itself, "close". */
    private static final class Events implements XmlSplitter.Sink {
        final List<String> got = new ArrayList<>();

        @Override
        public void streamOpen(String header) {
            got.add("open:" + header);
        }

        @Override
        public void stanza(String xml) {
            got.add(xml);
        }

        @Override
        public void streamClose() {
            got.add("close");
        }
    }

    private static final String HEADER = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
            + "from='bench.local' xmlns='jabber:client' id='abc' version='1.0'>";
    private static final String FEATURES = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";
    private static final String SUCCESS = "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>";
    private static final String PRESENCE = "<presence from=\"u7@bench.local/bench\" to='u1@bench.local/bench'>"
            + "<status>t12&amp;3 &lt;x&gt;</status><delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'/></presence>";
    private static final String TRICKY = "<message a='x>y' b=\"it's/>\" c='say \"hi\"'><body>1 > 0 / ok</body>"
            + "<!-- a comment with <tags> --><x/><y><z a='1'/></y></message>";

    private static final String STREAM = "<?xml version='1.0'?>" + HEADER + FEATURES + SUCCESS
            + "<?xml version='1.0'?>" + HEADER.replace("abc", "def") // restart after SASL
            + " \n " + PRESENCE + "\t" + TRICKY + " " + "<presence from='u2@bench.local' type='unavailable'/>"
            + "</stream:stream>";

    private static final List<String> EXPECTED = List.of(
            "open:" + HEADER, FEATURES, SUCCESS, "open:" + HEADER.replace("abc", "def"), PRESENCE, TRICKY,
            "<presence from='u2@bench.local' type='unavailable'/>", "close");

    @Test
    void wholeStreamInOneRead() {
        Events e = new Events();
        XmlSplitter s = new XmlSplitter(e);
        s.feed(STREAM.getBytes(StandardCharsets.UTF_8));
        assertThat(e.got).containsExactlyElementsOf(EXPECTED);
        assertThat(s.depth()).isZero();
        assertThat(s.pending()).isZero();
    }

    @Test
    void oneByteAtATime() {
        Events e = new Events();
        XmlSplitter s = new XmlSplitter(e);
        byte[] b = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            s.feed(b, i, 1);
        }
        assertThat(e.got).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void randomFragmentation() {
        byte[] b = STREAM.getBytes(StandardCharsets.UTF_8);
        Random rnd = new Random(42);
        for (int round = 0; round < 500; round++) {
            Events e = new Events();
            XmlSplitter s = new XmlSplitter(e);
            int i = 0;
            while (i < b.length) {
                int n = Math.min(b.length - i, 1 + rnd.nextInt(40));
                s.feed(b, i, n);
                i += n;
            }
            assertThat(e.got).as("round %d", round).containsExactlyElementsOf(EXPECTED);
        }
    }

    @Test
    void multiByteCharactersSplitAcrossReads() {
        String p = "<presence from='u3@bench.local/r'><status>grüße ✓ 𝄞</status></presence>";
        byte[] b = ("<stream:stream>" + p).getBytes(StandardCharsets.UTF_8);
        Events e = new Events();
        XmlSplitter s = new XmlSplitter(e);
        for (int i = 0; i < b.length; i++) {
            s.feed(b, i, 1);
        }
        assertThat(e.got).containsExactly("open:<stream:stream>", p);
    }

    @Test
    void whitespaceKeepalivesBetweenStanzasProduceNothing() {
        Events e = new Events();
        XmlSplitter s = new XmlSplitter(e);
        s.feed(HEADER.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 100; i++) {
            s.feed(" ".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(e.got).containsExactly("open:" + HEADER);
        assertThat(s.pending()).isZero();
        assertThat(s.depth()).isEqualTo(1);
    }

    @Test
    void unfinishedStanzaIsHeldUntilComplete() {
        Events e = new Events();
        XmlSplitter s = new XmlSplitter(e);
        s.feed((HEADER + "<presence><status>a</sta").getBytes(StandardCharsets.UTF_8));
        assertThat(e.got).hasSize(1);
        assertThat(s.pending()).isPositive();
        s.feed("tus></presence><iq type='result' id='x'".getBytes(StandardCharsets.UTF_8));
        assertThat(e.got).containsExactly("open:" + HEADER, "<presence><status>a</status></presence>");
        s.feed("/>".getBytes(StandardCharsets.UTF_8));
        assertThat(e.got.get(2)).isEqualTo("<iq type='result' id='x'/>");
        assertThat(s.pending()).isZero();
    }

    @Test
    void cdataAndNestedSameNameElements() {
        String x = "<message><body><![CDATA[</message> <b>]]></body><x><x><x/></x></x></message>";
        Events e = new Events();
        XmlSplitter s = new XmlSplitter(e);
        byte[] b = ("<stream:stream>" + x + "<presence/>").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += 3) {
            s.feed(b, i, Math.min(3, b.length - i));
        }
        assertThat(e.got).containsExactly("open:<stream:stream>", x, "<presence/>");
    }

    @Test
    void streamErrorIsAStanza() {
        Events e = new Events();
        XmlSplitter s = new XmlSplitter(e);
        String err = "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
        s.feed((HEADER + err + "</stream:stream>").getBytes(StandardCharsets.UTF_8));
        assertThat(e.got).containsExactly("open:" + HEADER, err, "close");
    }

    @Test
    void oversizedStanzaIsRejected() {
        XmlSplitter s = new XmlSplitter(new Events(), 1024);
        s.feed(HEADER.getBytes(StandardCharsets.UTF_8));
        s.feed("<message><body>".getBytes(StandardCharsets.UTF_8));
        byte[] chunk = "x".repeat(512).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10; i++) {
                s.feed(chunk);
            }
        }).isInstanceOf(IllegalStateException.class);
    }
}
