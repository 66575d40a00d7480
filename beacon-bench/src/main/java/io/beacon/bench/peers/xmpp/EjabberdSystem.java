package io.beacon.bench.peers.xmpp;

import io.beacon.bench.SystemSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * ejabberd (Debian package {@code ejabberd}, 23.01) as a system under test: a private Erlang node
 * started with {@code erl ... -s ejabberd} in the foreground as user {@code ejabberd} via
 * {@code setpriv} (its open-file limit raised to the hard limit with {@code prlimit}), with a
 * generated config, its own node name and cookie, Mnesia spool and log in a temp directory.
 *
 * <p>The node uses no epmd: it is started with {@code -erl_epmd_port PORT -start_epmd false} on a
 * free loopback port (the way {@code ejabberdctl} does it with {@code ERL_DIST_PORT}), so the
 * machine's epmd and other Erlang nodes (RabbitMQ ...) are not touched. Provisioning connects to it
 * as a hidden node ({@code -dist_listen false}) from an escript.
 *
 * <p>Dead clients: {@code mod_ping} with {@code send_pings: true}, {@code timeout_action: kill}. It
 * pings a session after {@code ping_interval} without a stanza from it (the client heartbeats are
 * XEP-0199 pings, which reset that timer) and kills it when no answer comes within
 * {@code ping_ack_timeout}; interval + ack timeout = session TTL (whole seconds).
 */
public final class EjabberdSystem extends XmppSystem {
    static final String PACKAGE = "ejabberd";
    static final String USER = "ejabberd";

    private Path spool;
    private String node;
    private String cookie;
    private int distPort;
    private int pingInterval;
    private int pingAckTimeout;
    private String provisionOutput;

    public EjabberdSystem() {
    }

    @Override
    public String name() {
        return "ejabberd";
    }

    @Override
    public void start(SystemSettings s) throws Exception {
        if (process != null) {
            throw new IllegalStateException("already started");
        }
        long t0 = System.nanoTime();
        settings = s;
        version = XmppServers.ensurePackage(PACKAGE);
        Path libs = erlLibs();
        dir = XmppServers.tempDir("beacon-bench-ejabberd");
        spool = dir.resolve("spool");
        Files.createDirectories(spool);
        port = XmppServers.freePort();
        distPort = XmppServers.freePort();
        while (distPort == port) {
            distPort = XmppServers.freePort();
        }
        byte[] rnd = new byte[16];
        new SecureRandom().nextBytes(rnd);
        cookie = HexFormat.of().formatHex(rnd);
        node = "beaconbench" + port + "@localhost";
        long ttl = Math.max(2, Math.round(s.sessionTtl().toMillis() / 1000.0));
        pingAckTimeout = (int) Math.max(1, Math.round(ttl / 4.0));
        pingInterval = (int) Math.max(1, ttl - pingAckTimeout);
        Path config = dir.resolve("ejabberd.yml");
        Files.writeString(config, config(), StandardCharsets.UTF_8);
        XmppServers.chown(dir, USER);

        List<String> cmd = new ArrayList<>(XmppServers.raiseOpenFiles(1 << 20));
        cmd.addAll(XmppServers.asUser(USER));
        cmd.addAll(List.of("/usr/bin/erl",
                "-sname", node,
                "-setcookie", cookie,
                "-erl_epmd_port", Integer.toString(distPort), "-start_epmd", "false",
                "-kernel", "inet_dist_use_interface", "{127,0,0,1}",
                "+K", "true", "+P", "250000",
                "-env", "ERL_CRASH_DUMP_BYTES", "0",
                "-noinput",
                "-mnesia", "dir", "\"" + spool + "\"",
                "-s", "ejabberd"));
        Path console = dir.resolve("console.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(spool.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile());
        Map<String, String> env = pb.environment();
        Stream.of("ERL_FLAGS", "ERL_AFLAGS", "ERL_ZFLAGS", "ERL_EPMD_PORT", "ERL_EPMD_ADDRESS", "ERL_LIBS")
                .forEach(env::remove);
        env.put("EJABBERD_CONFIG_PATH", config.toString());
        env.put("EJABBERD_LOG_PATH", dir.resolve("ejabberd.log").toString());
        env.put("ERL_LIBS", libs.toString());
        env.put("ERL_MAX_PORTS", "65536");
        env.put("ERL_MAX_ETS_TABLES", "1400");
        env.put("ERL_CRASH_DUMP", dir.resolve("erl_crash.dump").toString());
        env.put("HOME", spool.toString());
        env.put("CONTRIB_MODULES_PATH", dir.resolve("contrib").toString());
        if (Files.isReadable(Path.of("/etc/ejabberd/inetrc"))) {
            env.put("ERL_INETRC", "/etc/ejabberd/inetrc");
        }
        process = pb.start();
        guard();
        try {
            XmppServers.awaitPort(port, Duration.ofSeconds(90), process, console);
        } catch (IOException e) {
            String why = e.getMessage() + "\nlog:\n" + XmppServers.tail(dir.resolve("ejabberd.log"), 2000);
            close();
            throw new IOException("ejabberd did not start: " + why, e);
        }
        pid = XmppServers.serverPid(process, "beam");
        startMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** The directory holding {@code ejabberd-VERSION/ebin} and its dependencies (ERL_LIBS). */
    private static Path erlLibs() throws IOException {
        try (Stream<Path> arch = Files.list(Path.of("/usr/lib"))) {
            for (Path d : arch.filter(Files::isDirectory).toList()) {
                try (Stream<Path> sub = Files.list(d)) {
                    if (sub.anyMatch(p -> p.getFileName().toString().startsWith("ejabberd-")
                            && Files.exists(p.resolve("ebin/ejabberd.app")))) {
                        return d;
                    }
                }
            }
        }
        throw new IOException("ejabberd's Erlang application (/usr/lib/*/ejabberd-*/ebin) not found");
    }

    private String config() {
        return """
                # beacon-bench: private ejabberd instance (generated; deleted with its directory)
                hosts:
                  - %1$s
                loglevel: warning
                log_rotate_count: 0
                hide_sensitive_log_data: true
                # the documented rule of thumb is cache_size = max online users (x20 for rosters); with the
                # default 1000 a 10k-user run thrashes the roster caches ("Shrinking cache ...") and stalls
                cache_size: infinity
                acme:
                  auto: false
                listen:
                  -
                    port: %2$d
                    ip: "127.0.0.1"
                    module: ejabberd_c2s
                    starttls: false
                    starttls_required: false
                    shaper: none
                    access: c2s
                    backlog: 1024
                    max_stanza_size: 262144
                auth_method: [internal]
                auth_password_format: plain
                acl:
                  local:
                    user_regexp: ""
                access_rules:
                  local:
                    allow: local
                  c2s:
                    allow: all
                shaper_rules:
                  max_user_sessions: 10
                modules:
                  mod_roster:
                    versioning: false
                  mod_ping:
                    # dead-client detection: ping after ping_interval without a stanza, kill without
                    # an answer within ping_ack_timeout (interval + timeout = session TTL)
                    send_pings: true
                    ping_interval: %3$d
                    ping_ack_timeout: %4$d
                    timeout_action: kill
                  mod_disco: {}
                """.formatted(DOMAIN, port, pingInterval, pingAckTimeout);
    }

    /**
     * Registers the accounts ({@code ejabberd_auth:try_register}) and writes the roster items
     * (subscription both) with {@code mod_roster:set_roster/1}, ejabberd's own API, from an escript
     * that joins the node as a hidden node and runs 16 workers, one RPC per user and step (accounts
     * first, then rosters). Mnesia's dets-backed roster table makes this ~5 s per 1,000 users.
     */
    @Override
    public void provision(int users, int[][] contacts) throws Exception {
        if (process == null) {
            throw new IllegalStateException("not started");
        }
        long t0 = System.nanoTime();
        int[][] rosters = rosters(users, contacts);
        Path terms = dir.resolve("provision.terms");
        long items = 0;
        try (var w = Files.newBufferedWriter(terms, StandardCharsets.UTF_8)) {
            w.write("{host, <<\"" + DOMAIN + "\">>}.\n{password, <<\"" + PASSWORD + "\">>}.\n");
            StringBuilder sb = new StringBuilder(256);
            for (int u = 0; u < users; u++) {
                sb.setLength(0);
                sb.append("{u, ").append(u).append(", [");
                for (int k = 0; k < rosters[u].length; k++) {
                    if (k > 0) {
                        sb.append(',');
                    }
                    sb.append(rosters[u][k]);
                }
                sb.append("]}.\n");
                w.write(sb.toString());
                items += rosters[u].length;
            }
        }
        byte[] rnd = new byte[4];
        new SecureRandom().nextBytes(rnd);
        String ctl = "beaconbenchctl" + HexFormat.of().formatHex(rnd) + "@localhost";
        Path script = dir.resolve("provision.escript");
        Files.writeString(script, PROVISION_ESCRIPT.formatted(ctl, cookie, distPort), StandardCharsets.UTF_8);
        XmppServers.Result r = XmppServers.run(List.of("/usr/bin/escript", script.toString(), node, terms.toString(), "16"),
                Duration.ofMinutes(30), Map.of("HOME", dir.toString()));
        if (!r.ok() || !r.output().contains("provisioned")) {
            throw new IOException("ejabberd provisioning failed (" + r.exit() + "):\n" + r.output());
        }
        provisionOutput = r.output().trim().replace('\n', ';');
        provisionedUsers = users;
        provisionedItems = items;
        provisionMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    private static final String PROVISION_ESCRIPT = """
            #!/usr/bin/env escript
            %%%%! -sname %1$s -setcookie %2$s -erl_epmd_port %3$d -start_epmd false -dist_listen false -hidden
            -mode(compile).

            main([NodeS, File, WorkersS]) ->
                Node = list_to_atom(NodeS),
                case net_adm:ping(Node) of
                    pong -> ok;
                    pang -> io:format("cannot reach ~s~n", [NodeS]), halt(2)
                end,
                {ok, Terms} = file:consult(File),
                {host, H} = lists:keyfind(host, 1, Terms),
                {password, Pw} = lists:keyfind(password, 1, Terms),
                Users = [{U, Cs} || {u, U, Cs} <- Terms],
                W = list_to_integer(WorkersS),
                Parent = self(),
                Chunks = [[X || {I, X} <- lists:zip(lists:seq(0, length(Users) - 1), Users), I rem W =:= K]
                          || K <- lists:seq(0, W - 1)],
                T0 = erlang:monotonic_time(millisecond),
                Pids = [spawn_link(fun() -> Parent ! {done, self(), register(Node, H, Pw, C, [])} end) || C <- Chunks],
                Errors1 = lists:append([receive {done, P, E} -> E end || P <- Pids]),
                T1 = erlang:monotonic_time(millisecond),
                Pids2 = [spawn_link(fun() -> Parent ! {done, self(), rosters(Node, H, C, [])} end) || C <- Chunks],
                Errors = Errors1 ++ lists:append([receive {done, P, E} -> E end || P <- Pids2]),
                T2 = erlang:monotonic_time(millisecond),
                io:format("accounts ~p ms, rosters ~p ms~n", [T1 - T0, T2 - T1]),
                case Errors of
                    [] -> io:format("provisioned ~p users~n", [length(Users)]), halt(0);
                    _ -> io:format("~p errors, first: ~p~n", [length(Errors), lists:sublist(Errors, 10)]), halt(1)
                end.

            name(I) -> list_to_binary("u" ++ integer_to_list(I)).

            register(_Node, _H, _Pw, [], Errs) -> Errs;
            register(Node, H, Pw, [{U, _} | Rest], Errs) ->
                E = case rpc:call(Node, ejabberd_auth, try_register, [name(U), H, Pw]) of
                        ok -> [];
                        {error, exists} -> [];
                        Other -> [{register, U, Other}]
                    end,
                register(Node, H, Pw, Rest, E ++ Errs).

            rosters(_Node, _H, [], Errs) -> Errs;
            rosters(Node, H, [{U, Cs} | Rest], Errs) ->
                UB = name(U),
                Items = [{roster, {UB, H, {name(C), H, <<>>}}, {UB, H}, {name(C), H, <<>>},
                          <<>>, both, none, [], <<>>, []} || C <- Cs],
                %% mod_roster's own API (one transaction per item, invalidates its caches), one RPC per user
                E = case rpc:call(Node, lists, map, [fun mod_roster:set_roster/1, Items]) of
                        L when is_list(L) -> [{roster, U, R} || R <- L, R =/= {atomic, ok}];
                        Bad -> [{roster, U, Bad}]
                    end,
                rosters(Node, H, Rest, E ++ Errs).
            """;

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = describeCommon();
        d.put("run_as", XmppServers.isRoot() ? "user ejabberd via setpriv, erl -s ejabberd -noinput" : "current user");
        d.put("node", node);
        d.put("epmd", "none (-erl_epmd_port " + distPort + " -start_epmd false, distribution on 127.0.0.1)");
        d.put("mod_ping", Map.of("send_pings", true, "ping_interval_s", pingInterval,
                "ping_ack_timeout_s", pingAckTimeout, "timeout_action", "kill"));
        d.put("dead_client_detection", "mod_ping: a session that sent no stanza for ping_interval gets a "
                + "server ping and is killed without an answer within ping_ack_timeout (interval + timeout = TTL); "
                + "client heartbeats are pings and reset the timer; a closed TCP connection is noticed at once; "
                + "ejabberd also closes a socket whose send blocks for send_timeout (15 s default)");
        d.put("auth", "internal (Mnesia), auth_password_format plain");
        d.put("storage", "Mnesia defaults: passwd and roster disc_only_copies (dets), in front of them ejabberd's "
                + "ets caches with cache_size infinity (default 1000 thrashes at 10k users)");
        d.put("c2s_listener", "shaper none, backlog 1024, nodelay (ejabberd default), starttls off");
        d.put("modules", "mod_roster (versioning off), mod_ping, mod_disco; no s2s, http, offline, TLS");
        d.put("log_level", "warning");
        if (provisionOutput != null) {
            d.put("provision_detail", provisionOutput);
        }
        d.put("provisioning", "escript on a hidden node, 16 workers: ejabberd_auth:try_register for every user, "
                + "then mod_roster:set_roster/1 for every roster item (subscription both)");
        return d;
    }
}
