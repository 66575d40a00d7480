package io.beacon.bench;

import java.nio.file.Path;

/** RSS of any server, and for Beacon's JVM the used heap after a full GC (through jcmd). */
public final class JvmHeap {
    private JvmHeap() {
    }

    /** @param heapBytes {@code -1} when the process is not a JVM we can ask */
    public record Reading(long rssKb, long heapBytes) {
    }

    public static Reading read(String system, long pid) throws Exception {
        long heap = -1;
        if (system.equals("beacon")) {
            run("jcmd", Long.toString(pid), "GC.run");
            Thread.sleep(300);
            heap = usedHeap(run("jcmd", Long.toString(pid), "GC.heap_info"));
        }
        return new Reading(Processes.rssKb(pid), heap);
    }

    static long usedHeap(String info) {
        long used = 0;
        for (String line : info.split("\n")) {
            String l = line.trim();
            if (l.startsWith("def new generation") || l.startsWith("tenured generation") || l.startsWith("DefNew")
                    || l.startsWith("Tenured") || l.startsWith("garbage-first heap") || l.startsWith("PSYoungGen")
                    || l.startsWith("ParOldGen")) {
                int i = l.indexOf("used ");
                if (i >= 0) {
                    used += Long.parseLong(l.substring(i + 5).split("[^0-9]")[0]) * 1024;
                }
            }
        }
        return used;
    }

    private static String run(String... cmd) throws Exception {
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", cmd[0]).toString();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
