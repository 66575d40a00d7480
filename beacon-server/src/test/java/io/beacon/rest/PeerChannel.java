package io.beacon.rest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** An embedded channel whose peer address the test chooses (a loopback one unless told otherwise). */
final class PeerChannel extends EmbeddedChannel {
    /** The address the request comes from; read on every call, never cached. */
    SocketAddress peer = new InetSocketAddress("127.0.0.1", 50_000);

    PeerChannel() {
        super(new ChannelInboundHandlerAdapter());
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return peer;
    }

    @Override
    public SocketAddress remoteAddress() {
        return peer;
    }

    /** The context an endpoint answers on. */
    ChannelHandlerContext ctx() {
        return pipeline().firstContext();
    }
}
