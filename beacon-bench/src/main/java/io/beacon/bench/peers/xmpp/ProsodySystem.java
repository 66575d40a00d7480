package io.beacon.bench.peers.xmpp;

import io.beacon.bench.SystemSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prosody (Debian package {@code prosody}, 0.12) as a system under test: a private instance with a
 * generated config in a temp directory, run in the foreground ({@code prosody --config FILE -F}) as
 * user {@code prosody} via {@code setpriv}, c2s on a free 127.0.0.1 port and nothing else.
 *
 * <p>Dead clients: Prosody 0.12's {@code mod_ping} only answers pings, and on a read timeout
 * {@code mod_c2s} just sends a whitespace keepalive, which a frozen client's kernel still accepts. So
 * {@code network_settings.read_timeout} is set to the session TTL and a four-line plugin
 * ({@code mod_bench_idle}) answers the {@code c2s-read-timeout} event with false, which makes
 * {@code net.server_epoll} close the connection: a client that sends nothing (no stanza, no ping, no
 * whitespace) for the TTL is dropped and its contacts get unavailable presence.
 *
 * <p>Accounts and rosters are written straight into the data directory in Prosody's internal storage
 * format ({@code data/bench%2elocal/accounts/uN.dat}, {@code .../roster/uN.dat}), plain-text
 * passwords ({@code authentication = "internal_plain"}, like ejabberd's default {@code plain}
 * format, so a SASL PLAIN login costs no PBKDF2 on either).
 */
public final class ProsodySystem extends XmppSystem {
    static final String PACKAGE = "prosody";
    static final String USER = "prosody";

    private Path dataDir;
    private double readTimeoutSeconds;

    public ProsodySystem() {
    }

    @Override
    public String name() {
        return "prosody";
    }

    @Override
    public void start(SystemSettings s) throws Exception {
        if (process != null) {
            throw new IllegalStateException("already started");
        }
        long t0 = System.nanoTime();
        settings = s;
        version = XmppServers.ensurePackage(PACKAGE);
        dir = XmppServers.tempDir("beacon-bench-prosody");
        dataDir = dir.resolve("data");
        Files.createDirectories(dataDir);
        Files.createDirectories(dir.resolve("certs"));
        Files.createDirectories(dir.resolve("plugins"));
        port = XmppServers.freePort();
        readTimeoutSeconds = Math.max(1.0, s.sessionTtl().toMillis() / 1000.0);
        Path config = dir.resolve("prosody.cfg.lua");
        Files.writeString(config, config(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("plugins/mod_bench_idle.lua"), IDLE_PLUGIN, StandardCharsets.UTF_8);
        XmppServers.chown(dir, USER);

        List<String> cmd = new ArrayList<>(XmppServers.raiseOpenFiles(1 << 20));
        cmd.addAll(XmppServers.asUser(USER));
        cmd.addAll(List.of("/usr/bin/prosody", "--config", config.toString(), "-F"));
        Path console = dir.resolve("console.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile());
        pb.environment().put("HOME", dataDir.toString());
        process = pb.start();
        guard();
        try {
            XmppServers.awaitPort(port, Duration.ofSeconds(60), process, dir.resolve("prosody.log"));
        } catch (IOException e) {
            String why = e.getMessage() + "\nconsole:\n" + XmppServers.tail(console, 2000);
            close();
            throw new IOException("prosody did not start: " + why, e);
        }
        pid = XmppServers.serverPid(process, "lua");
        startMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    private String config() {
        String d = dir.toString();
        String ttl = String.format(Locale.ROOT, "%.3f", readTimeoutSeconds);
        return """
                -- beacon-bench: private Prosody instance (generated; deleted with its directory)
                data_path = "%1$s/data"
                certificates = "%1$s/certs"
                plugin_paths = { "%1$s/plugins" }
                network_backend = "epoll"
                network_settings = {
                  -- dead-client detection: a c2s connection silent for this long is closed (mod_bench_idle)
                  read_timeout = %2$s;
                  tcp_backlog = 1024;
                  -- TCP_NODELAY, as ejabberd sets on its c2s sockets
                  nagle = false;
                }
                c2s_ports = { %3$d }
                c2s_interfaces = { "127.0.0.1" }
                c2s_direct_tls_ports = { }
                legacy_ssl_ports = { }
                s2s_ports = { }
                modules_enabled = { "roster"; "saslauth"; "ping"; "bench_idle"; }
                modules_disabled = { "s2s"; "s2s_auth_certs"; "offline"; }
                authentication = "internal_plain"
                storage = "internal"
                c2s_require_encryption = false
                allow_unencrypted_plain_auth = true
                allow_registration = false
                log = { { levels = { min = "warn" }, to = "file", filename = "%1$s/prosody.log" } }
                VirtualHost "%4$s"
                """.formatted(d, ttl, port, DOMAIN);
    }

    private static final String IDLE_PLUGIN = """
            -- beacon-bench: a c2s session that sent nothing for network_settings.read_timeout is dead.
            -- mod_c2s's own handler (priority -1) sends a whitespace keepalive and keeps the connection;
            -- returning false here instead makes net.server_epoll close it ("read timeout").
            module:hook("c2s-read-timeout", function (event)
            	module:log("debug", "read timeout: closing %s", tostring(event.session and event.session.full_jid));
            	return false;
            end, 1000);
            """;

    /**
     * Writes accounts and rosters as Prosody's internal storage files. The server reads both on demand
     * (at login), so this works while it runs, for users that have not logged in yet.
     */
    @Override
    public void provision(int users, int[][] contacts) throws Exception {
        if (dataDir == null) {
            throw new IllegalStateException("not started");
        }
        long t0 = System.nanoTime();
        int[][] rosters = rosters(users, contacts);
        Path host = dataDir.resolve(encode(DOMAIN));
        Path accounts = host.resolve("accounts");
        Path roster = host.resolve("roster");
        Files.createDirectories(accounts);
        Files.createDirectories(roster);
        String account = "return {\n\t[\"password\"] = \"" + luaEscape(PASSWORD) + "\";\n};\n";
        int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() * 2));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            int slice = Math.max(1, (users + threads - 1) / threads);
            for (int from = 0; from < users; from += slice) {
                int a = from;
                int b = Math.min(users, from + slice);
                done.add(pool.submit(() -> {
                    StringBuilder sb = new StringBuilder(1024);
                    for (int u = a; u < b; u++) {
                        XmppServers.writeAtomically(accounts.resolve("u" + u + ".dat"), account);
                        sb.setLength(0);
                        sb.append("return {\n\t[false] = {\n\t\t[\"version\"] = 1;\n\t\t[\"pending\"] = {};\n\t};\n");
                        for (int c : rosters[u]) {
                            sb.append("\t[\"u").append(c).append('@').append(DOMAIN)
                                    .append("\"] = {\n\t\t[\"subscription\"] = \"both\";\n\t\t[\"groups\"] = {};\n\t};\n");
                        }
                        sb.append("};\n");
                        XmppServers.writeAtomically(roster.resolve("u" + u + ".dat"), sb.toString());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        XmppServers.chown(host, USER);
        long items = 0;
        for (int[] r : rosters) {
            items += r.length;
        }
        provisionedUsers = users;
        provisionedItems = items;
        provisionMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** util.datamanager's encoding of a host or user name into a path element. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                b.append(c);
            } else {
                b.append(String.format("%%%02x", (int) c));
            }
        }
        return b.toString();
    }

    private static String luaEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = describeCommon();
        d.put("run_as", XmppServers.isRoot() ? "user prosody via setpriv, prosody --config FILE -F" : "current user");
        d.put("network_backend", "epoll");
        d.put("read_timeout_s", readTimeoutSeconds);
        d.put("dead_client_detection", "network_settings.read_timeout = session TTL; mod_bench_idle closes a c2s "
                + "connection that sent nothing (stanza, ping or whitespace) for that long, instead of mod_c2s's "
                + "default whitespace keepalive; a closed TCP connection (FIN/RST) is noticed at once");
        d.put("tcp_keepalives", "on (Prosody default), kernel default timers");
        d.put("send_timeout_s", 180);
        d.put("nagle", false);
        d.put("tcp_backlog", 1024);
        d.put("authentication", "internal_plain");
        d.put("storage", "internal (files in the temp data dir)");
        d.put("modules", "roster, saslauth, ping, bench_idle (+ autoloaded presence, message, iq, c2s, posix); "
                + "s2s, offline disabled; no TLS, no http");
        d.put("log_level", "warn");
        d.put("provisioning", "accounts and rosters written as internal-storage .dat files into the data dir");
        return d;
    }
}
