package io.beacon.bench.peers.xmpp;

import io.beacon.bench.ClientDriver;
import io.beacon.bench.PresenceSystem;
import io.beacon.bench.SystemSettings;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the XMPP peers share: one virtual host {@code bench.local}, accounts {@code uN} with one
 * password, a private server process on a free loopback port in a temp directory, and the
 * {@link XmppDriver} as client.
 */
abstract class XmppSystem implements PresenceSystem {
    static final String DOMAIN = "bench.local";
    static final String PASSWORD = "bench-pw";

    protected Path dir;
    protected int port;
    protected Process process;
    protected long pid = -1;
    protected SystemSettings settings;
    protected String version;
    protected long startMillis = -1;
    protected long provisionMillis = -1;
    protected int provisionedUsers;
    protected long provisionedItems;
    private Thread shutdownHook;

    @Override
    public long pid() {
        return pid;
    }

    /** The c2s port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The private instance's temp directory (config, data, logs). */
    public Path dir() {
        return dir;
    }

    @Override
    public ClientDriver driver(EventLoopGroup group) {
        return new XmppDriver(group, "127.0.0.1", port, DOMAIN, PASSWORD);
    }

    /** Stops the server if the harness JVM exits without {@link #close()}. */
    protected void guard() {
        Process p = process;
        shutdownHook = new Thread(() -> XmppServers.stop(p, Duration.ofSeconds(5)), name() + "-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    protected Map<String, Object> describeCommon() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", version);
        d.put("domain", DOMAIN);
        d.put("c2s", "127.0.0.1:" + port + " plaintext, SASL PLAIN, no TLS");
        d.put("pid", pid);
        d.put("open_files_limit", pid > 0 ? XmppServers.openFileLimitOf(pid) : -1);
        d.put("start_ms", startMillis);
        if (settings != null) {
            d.put("heartbeat_interval_ms", settings.heartbeatInterval().toMillis());
            d.put("session_ttl_ms", settings.sessionTtl().toMillis());
            d.put("offline_grace_ms", "n/a (XMPP broadcasts unavailable at once)");
        }
        d.put("client_heartbeat", "XEP-0199 iq ping to the server");
        d.put("client_login", "stream, SASL PLAIN, bind, session if required, initial presence with status token; no roster get");
        if (provisionMillis >= 0) {
            d.put("provision_ms", provisionMillis);
            d.put("provisioned_users", provisionedUsers);
            d.put("provisioned_roster_items", provisionedItems);
        }
        return d;
    }

    @Override
    public void close() {
        Process p = process;
        process = null;
        if (p != null) {
            XmppServers.stop(p, Duration.ofSeconds(20));
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            shutdownHook = null;
        }
        XmppServers.deleteTree(dir);
        dir = null;
    }

    /**
     * Each user's roster: the union of its own contacts and the users that list it, without itself
     * or duplicates, sorted — so every pair is mutual (subscription both on both sides).
     */
    static int[][] rosters(int users, int[][] contacts) {
        int[] count = new int[users];
        for (int i = 0; i < users && i < contacts.length; i++) {
            if (contacts[i] == null) {
                continue;
            }
            for (int j : contacts[i]) {
                if (j != i && j >= 0 && j < users) {
                    count[i]++;
                    count[j]++;
                }
            }
        }
        int[][] r = new int[users][];
        int[] fill = new int[users];
        for (int i = 0; i < users; i++) {
            r[i] = new int[count[i]];
        }
        for (int i = 0; i < users && i < contacts.length; i++) {
            if (contacts[i] == null) {
                continue;
            }
            for (int j : contacts[i]) {
                if (j != i && j >= 0 && j < users) {
                    r[i][fill[i]++] = j;
                    r[j][fill[j]++] = i;
                }
            }
        }
        for (int i = 0; i < users; i++) {
            int[] a = r[i];
            Arrays.sort(a);
            int n = 0;
            for (int k = 0; k < a.length; k++) {
                if (n == 0 || a[n - 1] != a[k]) {
                    a[n++] = a[k];
                }
            }
            r[i] = n == a.length ? a : Arrays.copyOf(a, n);
        }
        return r;
    }
}
