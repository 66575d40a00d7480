package io.beacon.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries the engine thread's writes to the I/O event loops in one task per loop per batch, instead
 * of one task (and possibly one wake-up) per message: a change fanned out to 10,000 watchers becomes
 * a couple of tasks, each writing its channels and flushing each once. Writes from any other thread
 * go straight to the channel. Engine-thread confined except {@link #inEngineThread()}.
 */
public final class OutboundBatcher {
    private final EventExecutor engineThread;
    private final Map<EventLoop, List<Object>> pending = new HashMap<>();
    private boolean scheduled;

    public OutboundBatcher(EventExecutor engineThread) {
        this.engineThread = engineThread;
    }

    public boolean inEngineThread() {
        return engineThread.inEventLoop();
    }

    /** Queues a write of {@code frame} to {@code channel}; it leaves when the engine's current work is done. */
    public void write(Channel channel, Object frame) {
        List<Object> list = pending.computeIfAbsent(channel.eventLoop(), l -> new ArrayList<>());
        list.add(channel);
        list.add(frame);
        if (!scheduled) {
            scheduled = true;
            engineThread.execute(this::dispatch);
        }
    }

    /**
     * Runs {@code task} once the writes queued so far have left for their loops, so that what it writes
     * (a close frame) follows them. At once when nothing is queued.
     */
    public void afterQueuedWrites(Runnable task) {
        if (scheduled) {
            engineThread.execute(task); // behind the dispatch already in the engine's queue
        } else {
            task.run();
        }
    }

    private void dispatch() {
        scheduled = false;
        for (Map.Entry<EventLoop, List<Object>> e : pending.entrySet()) {
            List<Object> batch = e.getValue();
            if (batch.isEmpty()) {
                continue;
            }
            List<Object> mine = new ArrayList<>(batch);
            batch.clear();
            e.getKey().execute(() -> writeAll(mine));
        }
    }

    private static void writeAll(List<Object> batch) {
        Map<Channel, Boolean> written = new IdentityHashMap<>();
        for (int i = 0; i < batch.size(); i += 2) {
            Channel ch = (Channel) batch.get(i);
            if (ch.isActive()) {
                ch.write(batch.get(i + 1), ch.voidPromise());
                written.put(ch, Boolean.TRUE);
            } else {
                io.netty.util.ReferenceCountUtil.release(batch.get(i + 1));
            }
        }
        for (Channel ch : written.keySet()) {
            ch.flush();
        }
    }
}
