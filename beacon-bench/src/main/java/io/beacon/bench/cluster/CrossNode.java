package io.beacon.bench.cluster;

/**
 * Who is on which node and who watches whom in the cluster scenarios: user {@code u} is on node
 * {@code u mod nodes}, and watches {@code u ± d} for the first {@code k} distances {@code d} that are not
 * multiples of {@code nodes} — so every watched user is on another node than its watcher (with
 * {@code users} a multiple of {@code nodes}), and watching is mutual.
 */
public final class CrossNode {
    private CrossNode() {
    }

    public static int node(int user, int nodes) {
        return Math.floorMod(user, nodes);
    }

    /** The {@code 2k} users {@code user} watches (fewer when {@code users} is too small to have them distinct). */
    public static int[] contacts(int user, int users, int nodes, int k) {
        if (nodes > 1 && users % nodes != 0) {
            throw new IllegalArgumentException("users (" + users + ") must be a multiple of nodes (" + nodes + ")");
        }
        int[] d = distances(users, nodes, k);
        int[] out = new int[2 * d.length];
        for (int i = 0; i < d.length; i++) {
            out[2 * i] = Math.floorMod(user + d[i], users);
            out[2 * i + 1] = Math.floorMod(user - d[i], users);
        }
        return out;
    }

    /** The first {@code k} distances below {@code users / 2} that are not multiples of {@code nodes}. */
    static int[] distances(int users, int nodes, int k) {
        int[] d = new int[k];
        int n = 0;
        for (int x = 1; n < k && 2 * x < users; x++) {
            if (nodes <= 1 || x % nodes != 0) {
                d[n++] = x;
            }
        }
        return java.util.Arrays.copyOf(d, n);
    }
}
