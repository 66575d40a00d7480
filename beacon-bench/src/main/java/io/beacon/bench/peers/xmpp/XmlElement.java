package io.beacon.bench.peers.xmpp;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed stanza: just enough XML for an XMPP client — qualified names as written (no namespace
 * resolution), attributes, child elements and concatenated character data. Parses the output of
 * {@link XmlSplitter}: one complete element per string.
 */
public final class XmlElement {
    private final String name;
    private final List<String> attrs = new ArrayList<>(4); // name, value, name, value ...
    private final List<XmlElement> children = new ArrayList<>(2);
    private StringBuilder text;

    private XmlElement(String name) {
        this.name = name;
    }

    /** The qualified name as written, e.g. {@code presence} or {@code stream:features}. */
    public String name() {
        return name;
    }

    /** The name without its prefix. */
    public String localName() {
        int c = name.indexOf(':');
        return c < 0 ? name : name.substring(c + 1);
    }

    /** An attribute's decoded value, or null; {@code xmlns} is an attribute too. */
    public String attr(String attrName) {
        for (int i = 0; i < attrs.size(); i += 2) {
            if (attrs.get(i).equals(attrName)) {
                return attrs.get(i + 1);
            }
        }
        return null;
    }

    public List<XmlElement> children() {
        return children;
    }

    /** The first child whose local name is {@code localName}, or null. */
    public XmlElement child(String localName) {
        for (XmlElement c : children) {
            if (c.localName().equals(localName)) {
                return c;
            }
        }
        return null;
    }

    /** The first child with this local name and {@code xmlns} attribute, or null. */
    public XmlElement child(String localName, String xmlns) {
        for (XmlElement c : children) {
            if (c.localName().equals(localName) && xmlns.equals(c.attr("xmlns"))) {
                return c;
            }
        }
        return null;
    }

    /** Decoded character data directly inside this element ({@code ""} if none). */
    public String text() {
        return text == null ? "" : text.toString();
    }

    /** The text of the first child with this local name, or null when there is no such child. */
    public String childText(String localName) {
        XmlElement c = child(localName);
        return c == null ? null : c.text();
    }

    @Override
    public String toString() {
        return "<" + name + " " + attrs + " children=" + children.size() + " text=" + text() + ">";
    }

    /** Parses one complete element; leading whitespace, PIs and comments are skipped. */
    public static XmlElement parse(String xml) {
        Parser p = new Parser(xml);
        p.skipMisc();
        XmlElement e = p.element();
        return e;
    }

    /** Parses a start tag alone (e.g. a stream header, whose element never closes). */
    public static XmlElement parseStartTag(String xml) {
        Parser p = new Parser(xml);
        p.skipMisc();
        p.expect('<');
        XmlElement e = new XmlElement(p.name());
        p.attributes(e);
        return e;
    }

    /** Escapes character data and attribute values (both quote styles). */
    public static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&apos;";
                default -> null;
            };
            if (r != null) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                b.append(r);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** Resolves the five predefined entities and character references. */
    public static String unescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (amp >= 0) {
            b.append(s, i, amp);
            int semi = s.indexOf(';', amp);
            if (semi < 0) {
                throw new IllegalArgumentException("unterminated entity in: " + s);
            }
            String ent = s.substring(amp + 1, semi);
            switch (ent) {
                case "lt" -> b.append('<');
                case "gt" -> b.append('>');
                case "amp" -> b.append('&');
                case "quot" -> b.append('"');
                case "apos" -> b.append('\'');
                default -> {
                    if (ent.startsWith("#x") || ent.startsWith("#X")) {
                        b.appendCodePoint(Integer.parseInt(ent.substring(2), 16));
                    } else if (ent.startsWith("#")) {
                        b.appendCodePoint(Integer.parseInt(ent.substring(1)));
                    } else {
                        throw new IllegalArgumentException("unknown entity &" + ent + "; in: " + s);
                    }
                }
            }
            i = semi + 1;
            amp = s.indexOf('&', i);
        }
        b.append(s, i, s.length());
        return b.toString();
    }

    private static final class Parser {
        private final String s;
        private int p;

        Parser(String s) {
            this.s = s;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at " + p + " in: " + s);
        }

        void expect(char c) {
            if (p >= s.length() || s.charAt(p) != c) {
                throw error("expected '" + c + "'");
            }
            p++;
        }

        void skipWs() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
        }

        void skipMisc() {
            while (true) {
                skipWs();
                if (s.startsWith("<?", p)) {
                    skipPast("?>");
                } else if (s.startsWith("<!--", p)) {
                    skipPast("-->");
                } else {
                    return;
                }
            }
        }

        private void skipPast(String end) {
            int e = s.indexOf(end, p);
            if (e < 0) {
                throw error("missing " + end);
            }
            p = e + end.length();
        }

        String name() {
            int start = p;
            while (p < s.length()) {
                char c = s.charAt(p);
                if (Character.isWhitespace(c) || c == '/' || c == '>' || c == '=') {
                    break;
                }
                p++;
            }
            if (p == start) {
                throw error("expected a name");
            }
            return s.substring(start, p);
        }

        /** Reads attributes; returns true when the tag was self-closing. */
        boolean attributes(XmlElement e) {
            while (true) {
                skipWs();
                if (p >= s.length()) {
                    throw error("unterminated tag");
                }
                char c = s.charAt(p);
                if (c == '/') {
                    p++;
                    expect('>');
                    return true;
                }
                if (c == '>') {
                    p++;
                    return false;
                }
                String an = name();
                skipWs();
                expect('=');
                skipWs();
                if (p >= s.length()) {
                    throw error("missing attribute value");
                }
                char q = s.charAt(p);
                if (q != '"' && q != '\'') {
                    throw error("expected a quote");
                }
                int close = s.indexOf(q, p + 1);
                if (close < 0) {
                    throw error("unterminated attribute value");
                }
                e.attrs.add(an);
                e.attrs.add(unescape(s.substring(p + 1, close)));
                p = close + 1;
            }
        }

        XmlElement element() {
            expect('<');
            XmlElement e = new XmlElement(name());
            if (attributes(e)) {
                return e;
            }
            while (true) {
                if (p >= s.length()) {
                    throw error("unterminated element <" + e.name + ">");
                }
                if (s.charAt(p) == '<') {
                    if (s.startsWith("</", p)) {
                        p += 2;
                        String end = name();
                        if (!end.equals(e.name)) {
                            throw error("</" + end + "> closes <" + e.name + ">");
                        }
                        skipWs();
                        expect('>');
                        return e;
                    } else if (s.startsWith("<!--", p)) {
                        skipPast("-->");
                    } else if (s.startsWith("<![CDATA[", p)) {
                        int end = s.indexOf("]]>", p);
                        if (end < 0) {
                            throw error("unterminated CDATA");
                        }
                        e.appendText(s.substring(p + 9, end));
                        p = end + 3;
                    } else if (s.startsWith("<?", p)) {
                        skipPast("?>");
                    } else {
                        e.children.add(element());
                    }
                } else {
                    int lt = s.indexOf('<', p);
                    if (lt < 0) {
                        lt = s.length();
                    }
                    e.appendText(unescape(s.substring(p, lt)));
                    p = lt;
                }
            }
        }
    }

    private void appendText(String t) {
        if (t.isEmpty()) {
            return;
        }
        if (text == null) {
            text = new StringBuilder(t.length());
        }
        text.append(t);
    }
}
