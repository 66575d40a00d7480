package io.beacon.bench.cluster;

import io.beacon.bench.ClientDriver;
import io.beacon.bench.ClientSession;
import io.beacon.bench.PresenceListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Clients of a cluster: user {@code u} connects to node {@code u mod nodes} ({@link CrossNode#node}). */
public final class MultiNodeDriver implements ClientDriver {
    private final List<ClientDriver> nodes;

    public MultiNodeDriver(List<ClientDriver> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no nodes");
        }
        this.nodes = List.copyOf(nodes);
    }

    @Override
    public CompletableFuture<ClientSession> connect(int user, PresenceListener listener) {
        return nodes.get(CrossNode.node(user, nodes.size())).connect(user, listener);
    }
}
