package kv.server.command;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Executor;

import kv.protocol.resp.PacedIterator;
import kv.protocol.resp.RespValue;

/**
 * The rest of a DUMP reply's elements, read from the snapshot on a background thread a bounded
 * amount ahead of what the event loop has written: the loop takes what is ready and, when
 * nothing is, is woken once more is ({@link PacedIterator}), so it never walks the store itself.
 *
 * <p>Design note: a DUMP whose pattern matches a few keys among many walks the non-matching ones
 * between two matches; streamed from the loop, one such walk held every other client of that
 * loop (issue 15). Here the walk runs in steps on {@code executor}: a step reads until
 * {@link #HIGH_WATER} bytes wait or the snapshot ends, and the loop starts the next step when
 * what waits falls below {@link #LOW_WATER}; no thread ever blocks on a slow client. The source
 * (a RocksDB iterator) is touched by one step at a time only, and closed by the step running
 * when the reply is abandoned, never under it.
 */
final class ReadAheadPairs implements PacedIterator, AutoCloseable {

    /** A step reads until this much waits for the loop. */
    static final long HIGH_WATER = 1024 * 1024;
    /** The next step starts when less than this waits. */
    static final long LOW_WATER = 256 * 1024;

    private final Iterator<RespValue> source;
    private final AutoCloseable closer;
    private final Executor executor;
    private final ArrayDeque<RespValue> ready = new ArrayDeque<>();
    private long readyBytes;
    private boolean exhausted;
    private boolean stepRunning;
    private boolean closed;
    private boolean sourceClosed;
    private RuntimeException failure;
    private Runnable wake;

    /**
     * @param first the elements read already (the background work's first 4 MB)
     * @param source the rest, read on {@code executor} only
     * @param closer releases the source (the snapshot)
     */
    ReadAheadPairs(List<RespValue> first, Iterator<RespValue> source, AutoCloseable closer, Executor executor) {
        this.source = source;
        this.closer = closer;
        this.executor = executor;
        for (RespValue element : first) {
            ready.add(element);
            readyBytes += sizeOf(element);
        }
        synchronized (this) {
            startStepIfLow();
        }
    }

    @Override
    public synchronized boolean ready() {
        return !ready.isEmpty() || exhausted || failure != null;
    }

    @Override
    public void whenReady(Runnable wake) {
        synchronized (this) {
            if (!ready()) {
                this.wake = wake;
                startStepIfLow();
                return;
            }
        }
        wake.run();
    }

    @Override
    public synchronized boolean hasNext() {
        if (failure != null) {
            throw failure;
        }
        if (!ready.isEmpty()) {
            return true;
        }
        if (exhausted) {
            return false;
        }
        throw new IllegalStateException("not ready: ask ready() first"); // the loop never waits
    }

    @Override
    public synchronized RespValue next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RespValue element = ready.poll();
        readyBytes -= sizeOf(element);
        startStepIfLow();
        return element;
    }

    /** Abandons the rest: the source is closed now, or by the step running when it ends. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready.clear();
        if (!stepRunning) {
            closeSource();
        }
    }

    private void startStepIfLow() {
        if (!stepRunning && !exhausted && !closed && failure == null && readyBytes < LOW_WATER) {
            stepRunning = true;
            executor.execute(this::step);
        }
    }

    /** One step, on the executor: reads until {@link #HIGH_WATER} waits, the end, or the reply is abandoned. */
    private void step() {
        while (true) {
            RespValue element = null;
            RuntimeException failed = null;
            synchronized (this) {
                if (closed) {
                    stepRunning = false;
                    closeSource();
                    return;
                }
                if (readyBytes >= HIGH_WATER) {
                    stepRunning = false;
                    return;
                }
            }
            try {
                if (source.hasNext()) {
                    element = source.next();
                }
            }
            catch (RuntimeException e) {
                failed = e;
            }
            Runnable toWake;
            synchronized (this) {
                if (failed != null) {
                    failure = failed;
                }
                else if (element == null) {
                    exhausted = true;
                }
                else {
                    ready.add(element);
                    readyBytes += sizeOf(element);
                }
                toWake = wake;
                wake = null;
                boolean done = failure != null || exhausted;
                if (done) {
                    stepRunning = false;
                    closeSource();
                }
                if (toWake != null) {
                    toWake.run(); // asks the loop to flush: cheap, and never re-enters this object
                }
                if (done) {
                    return;
                }
            }
        }
    }

    private void closeSource() {
        if (sourceClosed) {
            return;
        }
        sourceClosed = true;
        try {
            closer.close();
        }
        catch (Exception ignored) {
            // released anyway
        }
    }

    static long sizeOf(RespValue element) {
        if (element instanceof RespValue.BulkString bulk) {
            return bulk.bytes().length + 16;
        }
        long bytes = 16;
        for (RespValue field : ((RespValue.Array) element).elements()) {
            bytes += sizeOf(field);
        }
        return bytes;
    }
}
