package kv.protocol.endpoint;

/**
 * A connection an {@link EventLoop} drives: a client's connection to the service
 * ({@link RespConnection}) or the service's own connection to a server behind it
 * ({@link RespClientConnection}).
 */
interface LoopChannel {

    /** The channel has bytes to read (loop thread). */
    void onReadable();

    /** The channel takes bytes again after a short write (loop thread). */
    void onWritable();

    /** The loop took this connection's flush request, made on another thread, off its queue (loop thread). */
    void flushRequestTaken();
}
