package io.beacon.bench.peers.xmpp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the XMPP peers need from the machine: Debian packages installed without starting their
 * services, private server processes started, found by PID and stopped by PID, temp directories.
 */
final class XmppServers {
    private static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");
    private static final Object APT_LOCK = new Object();

    private XmppServers() {
    }

    /** Result of a finished command: exit code and merged output. */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** Runs a command to completion (output merged and captured), failing after the timeout. */
    static Result run(List<String> cmd, Duration timeout, java.util.Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Path out = Files.createTempFile("beacon-bench-cmd", ".log");
        try {
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("timed out after " + timeout + ": " + String.join(" ", cmd) + "\n" + tail(out, 4000));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static String tail(Path file, int chars) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The installed version of a Debian package, or null when it is not installed. */
    static String packageVersion(String pkg) {
        try {
            Result r = run(List.of("dpkg-query", "-W", "-f=${Status}|${Version}", pkg), Duration.ofSeconds(30), null);
            if (r.ok() && r.output().startsWith("install ok installed|")) {
                return r.output().substring("install ok installed|".length()).trim();
            }
        } catch (IOException e) {
            // no dpkg: not installed as far as we can tell
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /**
     * Installs a Debian package when it is missing, without letting it start its service: a
     * {@code policy-rc.d} that denies every start is put in place for the install when the machine has
     * none, and removed afterwards. A service that starts anyway is left alone.
     */
    static String ensurePackage(String pkg) throws IOException, InterruptedException {
        synchronized (APT_LOCK) {
            String version = packageVersion(pkg);
            if (version != null) {
                return version;
            }
            if (!isRoot()) {
                throw new IOException("Debian package " + pkg + " is missing and installing it needs root: apt-get install " + pkg);
            }
            boolean madePolicy = false;
            if (!Files.exists(POLICY_RC_D, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.writeString(POLICY_RC_D, "#!/bin/sh\n# beacon-bench: no service starts during its package installs\nexit 101\n");
                Files.setPosixFilePermissions(POLICY_RC_D, PosixFilePermissions.fromString("rwxr-xr-x"));
                madePolicy = true;
            }
            try {
                java.util.Map<String, String> env = java.util.Map.of("DEBIAN_FRONTEND", "noninteractive");
                List<String> install = List.of("apt-get", "install", "-y", "--no-install-recommends", pkg);
                Result r = run(install, Duration.ofMinutes(10), env);
                if (!r.ok()) {
                    // a machine whose package lists were never fetched: fetch them once and retry
                    run(List.of("apt-get", "update"), Duration.ofMinutes(10), env);
                    r = run(install, Duration.ofMinutes(10), env);
                }
                if (!r.ok()) {
                    throw new IOException("apt-get install " + pkg + " failed (" + r.exit() + "):\n" + r.output());
                }
            } finally {
                if (madePolicy) {
                    Files.deleteIfExists(POLICY_RC_D);
                }
            }
            version = packageVersion(pkg);
            if (version == null) {
                throw new IOException("package " + pkg + " still not installed after apt-get");
            }
            return version;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Waits until 127.0.0.1:port accepts; fails early with the log's tail when the process died. */
    static void awaitPort(int port, Duration timeout, Process process, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IOException("server exited with " + process.exitValue() + " before listening on " + port
                        + "\n" + (log == null ? "" : tail(log, 4000)));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nothing listens on 127.0.0.1:" + port + " after " + timeout
                + "\n" + (log == null ? "" : tail(log, 4000)));
    }

    /** The executable's file name of a process, from /proc (e.g. {@code beam.smp}, {@code lua5.4}). */
    static String exeName(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            try {
                return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
            } catch (IOException e2) {
                return "";
            }
        }
    }

    /**
     * The PID of the real server: the started process itself when every wrapper exec'd into it,
     * otherwise the first descendant whose executable name starts with {@code exePrefix}.
     */
    static long serverPid(Process p, String exePrefix) {
        if (exeName(p.pid()).startsWith(exePrefix)) {
            return p.pid();
        }
        Optional<ProcessHandle> d = p.descendants().filter(h -> exeName(h.pid()).startsWith(exePrefix)).findFirst();
        return d.map(ProcessHandle::pid).orElse(p.pid());
    }

    /** TERM, then KILL after the grace; only this process (and descendants it spawned), by PID. */
    static void stop(Process p, Duration grace) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> children = new ArrayList<>(p.descendants().toList());
        if (p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        for (ProcessHandle c : children) {
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        }
    }

    /** {@code chown -R user:user dir}, when we are root (otherwise the files are ours already). */
    static void chown(Path dir, String user) throws IOException, InterruptedException {
        if (!isRoot()) {
            return;
        }
        Result r = run(List.of("chown", "-R", user + ":" + user, dir.toString()), Duration.ofMinutes(5), null);
        if (!r.ok()) {
            throw new IOException("chown " + user + " " + dir + ": " + r.output());
        }
    }

    /** A world-traversable temp directory (the server runs as its own user). */
    static Path tempDir(String prefix) throws IOException {
        Path d = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    /** Writes a file atomically (temp file + rename in the same directory). */
    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** Soft and hard RLIMIT_NOFILE of this JVM (inherited by the servers it starts), from /proc. */
    static long[] openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return new long[] {parseLimit(f[0]), parseLimit(f[1])};
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return new long[] {-1, -1};
    }

    private static long parseLimit(String s) {
        return s.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(s);
    }

    /**
     * A command prefix raising the server's open-file limit to {@code min(hard, cap)} for soft and hard
     * ({@code prlimit} execs the command, so the PID stays the server's), or nothing when unavailable.
     */
    static List<String> raiseOpenFiles(long cap) {
        long[] lim = openFileLimit();
        if (lim[1] <= 0 || !Files.isExecutable(Path.of("/usr/bin/prlimit"))) {
            return List.of();
        }
        long n = Math.min(lim[1], cap);
        return List.of("/usr/bin/prlimit", "--nofile=" + n + ":" + n);
    }

    /** The open-file soft limit of a running process, from /proc, or -1. */
    static long openFileLimitOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
                if (line.startsWith("Max open files")) {
                    return parseLimit(line.substring("Max open files".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** {@code setpriv} prefix running the command as {@code user} when we are root (else nothing). */
    static List<String> asUser(String user) {
        if (!isRoot()) {
            return List.of();
        }
        return List.of("/usr/bin/setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups");
    }
}
