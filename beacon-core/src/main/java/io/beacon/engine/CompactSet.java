package io.beacon.engine;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A set that is an array while small and a {@link HashSet} once large. A session's subscriptions and a
 * watch's watchers are usually a handful to a few dozen entries, where a {@code HashSet} costs some
 * 40 bytes an entry and this costs 4; it is memory per session, multiplied by every session.
 * Not thread-safe (engine-thread confined); iterators do not support concurrent modification.
 */
final class CompactSet<T> extends AbstractSet<T> {
    static final int ARRAY_LIMIT = 32;

    private Object[] items = new Object[4];
    private int size;
    private HashSet<T> big;

    @Override
    public boolean add(T t) {
        if (big != null) {
            return big.add(t);
        }
        for (int i = 0; i < size; i++) {
            if (items[i].equals(t)) {
                return false;
            }
        }
        if (size == ARRAY_LIMIT) {
            big = new HashSet<>(ARRAY_LIMIT * 4);
            for (int i = 0; i < size; i++) {
                @SuppressWarnings("unchecked")
                T item = (T) items[i];
                big.add(item);
            }
            items = null;
            size = 0;
            return big.add(t);
        }
        if (size == items.length) {
            items = Arrays.copyOf(items, Math.min(ARRAY_LIMIT, size * 2));
        }
        items[size++] = t;
        return true;
    }

    @Override
    public boolean contains(Object o) {
        if (big != null) {
            return big.contains(o);
        }
        for (int i = 0; i < size; i++) {
            if (items[i].equals(o)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean remove(Object o) {
        if (big != null) {
            return big.remove(o);
        }
        for (int i = 0; i < size; i++) {
            if (items[i].equals(o)) {
                items[i] = items[--size];
                items[size] = null;
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return big != null ? big.size() : size;
    }

    @Override
    public Iterator<T> iterator() {
        if (big != null) {
            return big.iterator();
        }
        return new Iterator<>() {
            private int next;
            private boolean removable;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                removable = true;
                return (T) items[next++];
            }

            @Override
            public void remove() {
                if (!removable) {
                    throw new IllegalStateException("next() first");
                }
                removable = false;
                items[--next] = items[--size];
                items[size] = null;
            }
        };
    }
}
