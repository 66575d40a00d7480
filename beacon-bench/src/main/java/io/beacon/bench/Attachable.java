package io.beacon.bench;

import io.netty.channel.EventLoopGroup;
import java.util.Map;

/**
 * A system whose clients can run in other generator processes: {@link #endpoint()} says how to reach
 * it, and {@link BenchMain#attach} makes a driver from that in the child.
 */
public interface Attachable {

    /** Everything a generator process needs to make clients (host, port, secrets), as strings. */
    Map<String, String> endpoint();

    /** A driver made from an {@link #endpoint()} in another process. */
    interface Factory {
        ClientDriver driver(Map<String, String> endpoint, EventLoopGroup group);
    }
}
