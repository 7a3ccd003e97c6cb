package kv.protocol.resp;

import java.util.Iterator;

/**
 * The elements of a {@link RespValue.StreamedArray} produced on another thread: the event loop
 * writes those that are ready and, when none is, asks to be woken rather than waiting, so that
 * a slow producer (a DUMP whose pattern matches a few keys among many, walking the rest) never
 * holds the loop and its other clients.
 */
public interface PacedIterator extends Iterator<RespValue> {

    /** True if {@link #hasNext} (and, if it is true, {@link #next}) answers at once. */
    boolean ready();

    /** Runs {@code wake} once {@link #ready} is true (on whichever thread makes it so; at once if it is already). */
    void whenReady(Runnable wake);
}
