package io.beacon.bench.peers.xmpp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits an XMPP byte stream into top-level stanzas, incrementally: the {@code <stream:stream>} root
 * stays open for the whole connection, so the stanzas are its children, found by tracking element
 * depth. Feed any fragmentation of the stream; complete stanzas come out in order.
 *
 * <p>Handles the XML declaration and other processing instructions, comments, CDATA sections,
 * self-closing tags, attribute values in either quote style (which may contain {@code >} or
 * {@code /}), whitespace keepalives between stanzas, and stream restarts (a new
 * {@code <stream:stream>} header after SASL success while the old root is still open). Markup
 * characters are ASCII, so scanning works on the UTF-8 bytes; stanza text is decoded only once
 * complete. Not thread-safe: one per connection, fed from its event loop.
 */
public final class XmlSplitter {

    /** Receives what the splitter finds, in stream order. */
    public interface Sink {
        /** A {@code <stream:stream ...>} start tag (the first one or a restart), as text. */
        void streamOpen(String header);

        /** One complete top-level element, e.g. {@code <presence ...>...</presence>}. */
        void stanza(String xml);

        /** The {@code </stream:stream>} end tag. */
        void streamClose();
    }

    private static final int TEXT = 0;
    private static final int MARKUP = 1;

    private static final int K_UNKNOWN = 0;
    private static final int K_START = 1;
    private static final int K_END = 2;
    private static final int K_PI = 3;
    private static final int K_COMMENT = 4;
    private static final int K_CDATA = 5;
    private static final int K_DECL = 6;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] CDATA_OPEN = "<![CDATA[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM = "stream:stream".getBytes(StandardCharsets.US_ASCII);

    private final Sink sink;
    private final int maxStanzaBytes;

    private byte[] buf = EMPTY;
    private int len;
    private int scan;
    private int mode = TEXT;
    private int markupStart;
    private int kind;
    private byte quote;
    /** 0 before the stream header, 1 inside the stream root, 2+ inside a stanza. */
    private int depth;
    private int stanzaStart = -1;

    public XmlSplitter(Sink sink) {
        this(sink, 1 << 20);
    }

    public XmlSplitter(Sink sink, int maxStanzaBytes) {
        this.sink = sink;
        this.maxStanzaBytes = maxStanzaBytes;
    }

    /** Current element depth: 0 before the stream header, 1 between stanzas. */
    public int depth() {
        return depth;
    }

    /** Bytes held back waiting for the rest of a stanza or tag. */
    public int pending() {
        return len;
    }

    public void feed(byte[] data) {
        feed(data, 0, data.length);
    }

    public void feed(byte[] data, int off, int n) {
        if (n <= 0) {
            return;
        }
        ensure(len + n);
        System.arraycopy(data, off, buf, len, n);
        len += n;
        process();
    }

    /** Forgets all state, as for a new connection. */
    public void reset() {
        buf = EMPTY;
        len = 0;
        scan = 0;
        mode = TEXT;
        kind = K_UNKNOWN;
        quote = 0;
        depth = 0;
        stanzaStart = -1;
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            if (capacity > maxStanzaBytes + 64 * 1024) {
                throw new IllegalStateException("XML stanza larger than " + maxStanzaBytes + " bytes");
            }
            buf = Arrays.copyOf(buf, Math.max(256, Math.max(capacity, buf.length * 2)));
        }
    }

    private void process() {
        while (scan < len) {
            if (mode == TEXT) {
                int i = scan;
                while (i < len && buf[i] != '<') {
                    i++;
                }
                scan = i;
                if (i == len) {
                    break;
                }
                mode = MARKUP;
                markupStart = i;
                kind = K_UNKNOWN;
                quote = 0;
                scan = i + 1;
            } else {
                if (kind == K_UNKNOWN && !classify()) {
                    break; // need more bytes to tell what this markup is
                }
                int end = findMarkupEnd();
                if (end < 0) {
                    break;
                }
                mode = TEXT;
                scan = end + 1;
                markup(markupStart, end);
            }
        }
        compact();
    }

    /** Decides the markup kind from the bytes after '<'; false when they have not arrived yet. */
    private boolean classify() {
        int p = markupStart + 1;
        if (p >= len) {
            return false;
        }
        byte c = buf[p];
        if (c == '/') {
            kind = K_END;
        } else if (c == '?') {
            kind = K_PI;
        } else if (c == '!') {
            if (p + 1 >= len) {
                return false;
            }
            if (buf[p + 1] == '-') {
                if (p + 2 >= len) {
                    return false;
                }
                kind = buf[p + 2] == '-' ? K_COMMENT : K_DECL;
            } else if (buf[p + 1] == '[') {
                int need = markupStart + CDATA_OPEN.length;
                for (int i = p + 1; i < need; i++) {
                    if (i >= len) {
                        return false;
                    }
                    if (buf[i] != CDATA_OPEN[i - markupStart]) {
                        kind = K_DECL;
                        return true;
                    }
                }
                kind = K_CDATA;
            } else {
                kind = K_DECL;
            }
        } else {
            kind = K_START;
        }
        scan = Math.max(scan, markupStart + 1);
        return true;
    }

    /** Index of the markup's final '>' or -1; continues from {@link #scan}. */
    private int findMarkupEnd() {
        int i = scan;
        switch (kind) {
            case K_START -> {
                for (; i < len; i++) {
                    byte c = buf[i];
                    if (quote != 0) {
                        if (c == quote) {
                            quote = 0;
                        }
                    } else if (c == '"' || c == '\'') {
                        quote = c;
                    } else if (c == '>') {
                        return i;
                    }
                }
            }
            case K_END, K_DECL -> {
                for (; i < len; i++) {
                    if (buf[i] == '>') {
                        return i;
                    }
                }
            }
            case K_PI -> {
                for (i = Math.max(i, markupStart + 3); i < len; i++) {
                    if (buf[i] == '>' && buf[i - 1] == '?') {
                        return i;
                    }
                }
            }
            case K_COMMENT -> {
                for (i = Math.max(i, markupStart + 6); i < len; i++) {
                    if (buf[i] == '>' && buf[i - 1] == '-' && buf[i - 2] == '-') {
                        return i;
                    }
                }
            }
            case K_CDATA -> {
                for (i = Math.max(i, markupStart + CDATA_OPEN.length + 2); i < len; i++) {
                    if (buf[i] == '>' && buf[i - 1] == ']' && buf[i - 2] == ']') {
                        return i;
                    }
                }
            }
            default -> throw new IllegalStateException("markup kind " + kind);
        }
        scan = len;
        return -1;
    }

    private void markup(int start, int end) {
        switch (kind) {
            case K_START -> {
                boolean selfClosing = buf[end - 1] == '/';
                if (depth <= 1 && isStreamTag(start + 1)) {
                    depth = 1;
                    stanzaStart = -1;
                    sink.streamOpen(new String(buf, start, end - start + 1, StandardCharsets.UTF_8));
                    if (selfClosing) {
                        depth = 0;
                        sink.streamClose();
                    }
                } else if (depth <= 1) {
                    if (selfClosing) {
                        sink.stanza(new String(buf, start, end - start + 1, StandardCharsets.UTF_8));
                    } else {
                        stanzaStart = start;
                        depth = 2;
                    }
                } else if (!selfClosing) {
                    depth++;
                }
            }
            case K_END -> {
                if (depth <= 1) {
                    if (isStreamTag(start + 2)) {
                        depth = 0;
                        sink.streamClose();
                    }
                    // else a stray end tag between stanzas: ignore
                } else {
                    depth--;
                    if (depth == 1 && stanzaStart >= 0) {
                        int s = stanzaStart;
                        stanzaStart = -1;
                        sink.stanza(new String(buf, s, end - s + 1, StandardCharsets.UTF_8));
                    }
                }
            }
            default -> {
                // declarations, comments, PIs and CDATA only matter as parts of a stanza's text
            }
        }
    }

    private boolean isStreamTag(int nameStart) {
        int n = STREAM.length;
        if (nameStart + n > len) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buf[nameStart + i] != STREAM[i]) {
                return false;
            }
        }
        if (nameStart + n == len) {
            return true;
        }
        byte after = buf[nameStart + n];
        return after == '>' || after == '/' || after == ' ' || after == '\t' || after == '\r' || after == '\n';
    }

    /** Drops consumed bytes so the buffer holds only an unfinished stanza or tag. */
    private void compact() {
        int keep = scan;
        if (mode == MARKUP) {
            keep = Math.min(keep, markupStart);
        }
        if (stanzaStart >= 0) {
            keep = Math.min(keep, stanzaStart);
        }
        if (keep == 0) {
            if (len - (stanzaStart >= 0 ? stanzaStart : 0) > maxStanzaBytes) {
                throw new IllegalStateException("XML stanza larger than " + maxStanzaBytes + " bytes");
            }
            return;
        }
        int rest = len - keep;
        if (rest == 0 && buf.length > 1024) {
            buf = EMPTY; // an idle connection holds no buffer worth mentioning
        } else if (rest > 0) {
            System.arraycopy(buf, keep, buf, 0, rest);
        }
        len = rest;
        scan -= keep;
        if (mode == MARKUP) {
            markupStart -= keep;
        }
        if (stanzaStart >= 0) {
            stanzaStart -= keep;
        }
        if (len > maxStanzaBytes) {
            throw new IllegalStateException("XML stanza larger than " + maxStanzaBytes + " bytes");
        }
    }
}
