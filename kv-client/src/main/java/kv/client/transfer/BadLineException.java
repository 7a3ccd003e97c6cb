package kv.client.transfer;

/** A line of an export file that is not in the format; the message says why, without the line number (the reader adds it). */
public class BadLineException extends Exception {

    public BadLineException(String message) {
        super(message);
    }
}
