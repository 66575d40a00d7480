package io.beacon.bench;

/** One progress line on stderr, rewritten in place while a scenario runs. */
public final class Progress {
    private final String prefix;
    private final boolean tty = System.console() != null;
    private boolean silent;

    /** A progress that prints nothing (generator child processes). */
    public static Progress silent() {
        Progress p = new Progress("");
        p.silent = true;
        return p;
    }
    private long lastPrint;

    public Progress(String prefix) {
        this.prefix = prefix;
    }

    public synchronized void update(String text) {
        if (silent) {
            return;
        }
        long now = System.nanoTime();
        if (!tty && now - lastPrint < 2_000_000_000L) {
            return; // not a terminal (CI, a log): a line every two seconds at most
        }
        lastPrint = now;
        String line = "[" + prefix + "] " + text;
        if (tty) {
            System.err.print("\r\033[2K" + line);
        } else {
            System.err.println(line);
        }
        System.err.flush();
    }

    public synchronized void done(String text) {
        if (silent) {
            return;
        }
        if (tty) {
            System.err.print("\r\033[2K");
        }
        System.err.println("[" + prefix + "] " + text);
    }
}
