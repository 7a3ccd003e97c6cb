package kv.server.command;

import kv.protocol.resp.Request;

/**
 * The options of SET ({@code NX|XX}, {@code GET}, {@code EX|PX|EXAT|PXAT seconds-or-ms},
 * {@code KEEPTTL}) and GETEX ({@code EX|PX|EXAT|PXAT}, {@code PERSIST}), read as Redis's
 * {@code parseExtendedStringArgumentsOrReply} reads them: in any order, a repeated option
 * allowed, two that contradict each other a syntax error.
 */
final class SetOptions {

    enum Unit { SECONDS, MILLISECONDS }

    boolean nx;
    boolean xx;
    boolean get;
    boolean keepTtl;
    boolean persist;
    /** EX, PX, EXAT or PXAT, lower case; null if none. */
    String expiry;
    byte[] expiryArgument;
    /** Null if the options were read, else the error to answer. */
    String error;

    private SetOptions() {
    }

    static SetOptions parse(Request request, int from, boolean forGetex) {
        SetOptions options = new SetOptions();
        for (int i = from; i < request.size(); i++) {
            String word = request.argString(i).toLowerCase(java.util.Locale.ROOT);
            boolean hasNext = i + 1 < request.size();
            boolean timed = options.expiry != null;
            switch (word) {
                case "nx" -> {
                    if (forGetex || options.xx) {
                        return options.syntaxError();
                    }
                    options.nx = true;
                }
                case "xx" -> {
                    if (forGetex || options.nx) {
                        return options.syntaxError();
                    }
                    options.xx = true;
                }
                case "get" -> {
                    if (forGetex) {
                        return options.syntaxError();
                    }
                    options.get = true;
                }
                case "keepttl" -> {
                    if (forGetex || timed) {
                        return options.syntaxError();
                    }
                    options.keepTtl = true;
                }
                case "persist" -> {
                    if (!forGetex || timed) {
                        return options.syntaxError();
                    }
                    options.persist = true;
                }
                case "ex", "px", "exat", "pxat" -> {
                    if (options.keepTtl || options.persist || timed && !options.expiry.equals(word) || !hasNext) {
                        return options.syntaxError();
                    }
                    options.expiry = word;
                    options.expiryArgument = request.arg(++i);
                }
                default -> {
                    return options.syntaxError();
                }
            }
        }
        return options;
    }

    private SetOptions syntaxError() {
        error = "ERR syntax error";
        return this;
    }

    boolean relative() {
        return "ex".equals(expiry) || "px".equals(expiry);
    }

    Unit unit() {
        return "ex".equals(expiry) || "exat".equals(expiry) ? Unit.SECONDS : Unit.MILLISECONDS;
    }

    /** An absolute expiry time in ms, or the error that answers an argument that is not one. */
    record ExpireTime(long at, String error) {
    }

    /** The expiry these options give, given the time now; for the error, the command's name. */
    ExpireTime expireAt(long now, String command) {
        return expireAt(expiryArgument, unit(), relative(), now, command);
    }

    /**
     * The absolute expiry time in ms for {@code argument} in {@code unit} (relative to {@code now}
     * if {@code relative}), as Redis's getExpireMillisecondsOrReply checks it: an integer, positive,
     * whose time in ms fits 64 bits.
     */
    static ExpireTime expireAt(byte[] argument, Unit unit, boolean relative, long now, String command) {
        Long value = Numbers.parseLong(argument);
        if (value == null) {
            return new ExpireTime(0, Numbers.NOT_AN_INTEGER);
        }
        long millis = value;
        if (millis <= 0 || unit == Unit.SECONDS && millis > Long.MAX_VALUE / 1000) {
            return new ExpireTime(0, invalidExpireTime(command));
        }
        if (unit == Unit.SECONDS) {
            millis *= 1000;
        }
        if (relative) {
            millis += now; // wraps negative on overflow, as in Redis
        }
        return millis <= 0 ? new ExpireTime(0, invalidExpireTime(command)) : new ExpireTime(millis, null);
    }

    static String invalidExpireTime(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }
}
