package io.beacon.bench.peers.xmpp;

import io.beacon.bench.ClientDriver;
import io.beacon.bench.ClientSession;
import io.beacon.bench.PresenceListener;
import io.beacon.bench.Tokens;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal XMPP client for the benchmark: plaintext c2s on loopback, SASL PLAIN, resource binding,
 * session establishment when the server requires it, then initial presence carrying a status token.
 * Incoming presence from roster contacts goes to the {@link PresenceListener}. All connections share
 * the given event loop group; a connection costs a channel, a small parse buffer and a few fields.
 */
public final class XmppDriver implements ClientDriver {
    /** The resource every session binds: a reconnect replaces the previous session of the user. */
    public static final String RESOURCE = "bench";
    /** {@code -Dbeacon.xmpp.debug=true} prints every stanza sent and received (for small runs). */
    private static final boolean DEBUG = Boolean.getBoolean("beacon.xmpp.debug");

    private final EventLoopGroup group;
    private final String host;
    private final int port;
    private final String domain;
    private final String password;
    private final Class<? extends SocketChannel> channelClass;

    public XmppDriver(EventLoopGroup group, String host, int port, String domain, String password) {
        this.group = group;
        this.host = host;
        this.port = port;
        this.domain = domain;
        this.password = password;
        this.channelClass = channelClass(group);
    }

    /** The socket channel type that matches the group's transport (epoll or NIO). */
    static Class<? extends SocketChannel> channelClass(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            return Epoll.isAvailable() && io.isIoType(EpollIoHandler.class) ? EpollSocketChannel.class : NioSocketChannel.class;
        }
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    @Override
    public CompletableFuture<ClientSession> connect(int user, PresenceListener listener) {
        return new Session(user, listener).open();
    }

    /** One user's client; {@link #reconnect()} opens a new connection in the same object. */
    final class Session implements ClientSession {
        private final int user;
        private final PresenceListener listener;
        private volatile Conn conn;

        Session(int user, PresenceListener listener) {
            this.user = user;
            this.listener = listener;
        }

        CompletableFuture<ClientSession> open() {
            Conn c = new Conn(this);
            conn = c;
            return c.start();
        }

        @Override
        public int user() {
            return user;
        }

        @Override
        public CompletableFuture<Void> watch(int[] users) {
            return CompletableFuture.completedFuture(null); // the roster already delivers their presence
        }

        @Override
        public void publishStatus(String token) {
            conn.send(XmppStanzas.available(token));
        }

        @Override
        public void heartbeat() {
            Conn c = conn;
            c.send(XmppStanzas.ping("h" + (c.pingSeq++), domain));
        }

        @Override
        public CompletableFuture<Void> close() {
            return conn.close();
        }

        @Override
        public void kill() {
            conn.kill();
        }

        @Override
        public void freeze() {
            conn.freeze();
        }

        @Override
        public CompletableFuture<ClientSession> reconnect() {
            Conn old = conn;
            if (old != null) {
                old.kill();
            }
            return open();
        }

        @Override
        public String toString() {
            return "xmpp u" + user + "@" + domain;
        }
    }

    private enum State { CONNECTING, FEATURES, AUTH, FEATURES_AUTHED, BIND, SESSION, ONLINE }

    /** One TCP connection of a session: the login state machine and the stanza handler. */
    private final class Conn extends ChannelInboundHandlerAdapter implements XmlSplitter.Sink {
        private final Session session;
        private final XmlSplitter splitter = new XmlSplitter(this);
        private final CompletableFuture<ClientSession> ready = new CompletableFuture<>();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private volatile Channel ch;
        private volatile boolean frozen;
        private volatile boolean closing;
        private volatile State state = State.CONNECTING;
        private boolean needSession;
        private long readNanos;
        int pingSeq;

        Conn(Session session) {
            this.session = session;
        }

        CompletableFuture<ClientSession> start() {
            Bootstrap b = new Bootstrap().group(group).channel(channelClass)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                    .handler(this);
            ChannelFuture f = b.connect(host, port);
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    ready.completeExceptionally(done.cause());
                    closed.complete(null);
                }
            });
            return ready;
        }

        void send(String xml) {
            Channel c = ch;
            if (frozen || c == null || !c.isActive()) {
                return;
            }
            if (DEBUG) {
                System.err.println("u" + session.user + " >> " + xml);
            }
            c.writeAndFlush(ByteBufUtil.writeUtf8(c.alloc(), xml), c.voidPromise());
        }

        CompletableFuture<Void> close() {
            Channel c = ch;
            if (c == null) {
                return CompletableFuture.completedFuture(null);
            }
            if (frozen || !c.isActive() || state != State.ONLINE) {
                frozen = true;
                c.close();
                return closed;
            }
            closing = true;
            c.writeAndFlush(ByteBufUtil.writeUtf8(c.alloc(), XmppStanzas.unavailable() + XmppStanzas.streamClose()));
            // the server answers with its own </stream:stream>; do not wait for it forever
            c.eventLoop().schedule(() -> {
                c.close();
            }, 3, TimeUnit.SECONDS);
            return closed;
        }

        void kill() {
            frozen = true;
            Channel c = ch;
            if (c != null) {
                c.close();
            }
        }

        void freeze() {
            frozen = true;
            Channel c = ch;
            if (c != null) {
                c.config().setAutoRead(false);
            }
        }

        private void fail(Throwable t) {
            if (!ready.isDone()) {
                ready.completeExceptionally(t);
            }
            Channel c = ch;
            if (c != null) {
                c.close();
            }
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ch = ctx.channel(); // before connect completes: channelActive may run before start() returns
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            state = State.FEATURES;
            send(XmppStanzas.streamHeader(domain));
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!ready.isDone()) {
                ready.completeExceptionally(new IOException("connection of u" + session.user + " closed during login (" + state + ")"));
            }
            closed.complete(null);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (frozen) {
                    return; // a frozen client processes nothing, not even what was already read
                }
                readNanos = System.nanoTime();
                int n = buf.readableBytes();
                if (buf.hasArray()) {
                    splitter.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
                } else {
                    splitter.feed(ByteBufUtil.getBytes(buf, buf.readerIndex(), n, false));
                }
            } catch (RuntimeException e) {
                fail(new IOException("bad XML from server for u" + session.user + ": " + e.getMessage(), e));
            } finally {
                buf.release();
            }
        }

        @Override
        public void streamOpen(String header) {
            // nothing to check: features follow
        }

        @Override
        public void streamClose() {
            Channel c = ch;
            if (!closing && !ready.isDone()) {
                ready.completeExceptionally(new IOException("server closed the stream of u" + session.user + " (" + state + ")"));
            }
            if (c != null) {
                c.close();
            }
        }

        @Override
        public void stanza(String xml) {
            if (frozen) {
                return;
            }
            if (DEBUG) {
                System.err.println("u" + session.user + " << " + xml);
            }
            XmlElement e = XmlElement.parse(xml);
            String name = e.name();
            if (name.equals("presence")) {
                XmppStanzas.Presence p = XmppStanzas.presence(e, session.user);
                if (p != null) {
                    session.listener.onPresence(p.from(), p.online(), p.token(), readNanos);
                }
                return;
            }
            if (name.equals("stream:error")) {
                fail(new IOException("stream error for u" + session.user + ": " + xml));
                return;
            }
            switch (state) {
                case FEATURES -> {
                    if (!e.localName().equals("features")) {
                        return;
                    }
                    XmlElement mechs = e.child("mechanisms", XmppStanzas.NS_SASL);
                    boolean plain = false;
                    if (mechs != null) {
                        for (XmlElement m : mechs.children()) {
                            plain |= m.text().trim().equals("PLAIN");
                        }
                    }
                    if (!plain) {
                        XmlElement tls = e.child("starttls", XmppStanzas.NS_TLS);
                        fail(new IOException(tls != null && tls.child("required") != null
                                ? "server requires STARTTLS: " + xml : "server offers no SASL PLAIN: " + xml));
                        return;
                    }
                    state = State.AUTH;
                    send(XmppStanzas.authPlain("u" + session.user, password));
                }
                case AUTH -> {
                    if (name.equals("success")) {
                        state = State.FEATURES_AUTHED;
                        send(XmppStanzas.streamHeader(domain));
                    } else if (name.equals("failure")) {
                        fail(new IOException("SASL failure for u" + session.user + ": " + xml));
                    }
                }
                case FEATURES_AUTHED -> {
                    if (!e.localName().equals("features")) {
                        return;
                    }
                    XmlElement sess = e.child("session", XmppStanzas.NS_SESSION);
                    needSession = sess != null && sess.child("optional") == null;
                    state = State.BIND;
                    send(XmppStanzas.bind("bind", RESOURCE));
                }
                case BIND -> {
                    if (name.equals("iq") && "bind".equals(e.attr("id"))) {
                        if (!"result".equals(e.attr("type"))) {
                            fail(new IOException("bind failed for u" + session.user + ": " + xml));
                        } else if (needSession) {
                            state = State.SESSION;
                            send(XmppStanzas.session("sess"));
                        } else {
                            goOnline();
                        }
                    }
                }
                case SESSION -> {
                    if (name.equals("iq") && "sess".equals(e.attr("id"))) {
                        if ("result".equals(e.attr("type"))) {
                            goOnline();
                        } else {
                            fail(new IOException("session failed for u" + session.user + ": " + xml));
                        }
                    }
                }
                case ONLINE -> {
                    if (name.equals("iq")) {
                        String type = e.attr("type");
                        if ("get".equals(type) || "set".equals(type)) {
                            send(XmppStanzas.iqReply(e)); // server pings (ejabberd mod_ping) need an answer
                        }
                    }
                }
                default -> {
                }
            }
        }

        private void goOnline() {
            state = State.ONLINE;
            Channel c = ch;
            c.writeAndFlush(ByteBufUtil.writeUtf8(c.alloc(), XmppStanzas.available(Tokens.now()))).addListener(f -> {
                if (f.isSuccess()) {
                    ready.complete(session);
                } else {
                    fail(f.cause());
                }
            });
        }
    }
}
