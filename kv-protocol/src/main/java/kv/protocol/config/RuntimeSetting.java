package kv.protocol.config;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One row of the table of parameters CONFIG SET may change while a service runs: its Redis name,
 * how to read its value (what CONFIG GET answers), and how to check a new one. A service (or a
 * colleague's feature: {@code requirepass}) adds a row by declaring a bean of this type; the
 * service's {@link RuntimeSettings} collects them.
 */
public interface RuntimeSetting {

    /** The parameter as Redis names it, lower case: {@code slowlog-max-len}. */
    String name();

    /** Its value now, as CONFIG GET shows it. */
    String value();

    /**
     * Checks {@code value} without changing anything, and returns the change to make: CONFIG SET
     * applies a command's changes only once every value in it has been checked.
     *
     * @throws InvalidValue with Redis's reason (the text after {@code - } in its error)
     */
    Runnable prepare(String value) throws InvalidValue;

    /** A value CONFIG SET refuses, with the reason Redis gives. */
    final class InvalidValue extends Exception {
        public InvalidValue(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A row with the given reader and checker. */
    static RuntimeSetting of(String name, Supplier<String> value, Preparer prepare) {
        return new RuntimeSetting() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String value() {
                return value.get();
            }

            @Override
            public Runnable prepare(String text) throws InvalidValue {
                return prepare.prepare(text);
            }
        };
    }

    /** The checker of {@link #of}. */
    @FunctionalInterface
    interface Preparer {
        Runnable prepare(String value) throws InvalidValue;
    }

    /**
     * {@code requirepass}, as Redis: the default user's only password from now on ({@code ""}:
     * none, nopass); connections already authenticated stay so. CONFIG GET shows it masked.
     */
    static RuntimeSetting requirepass(kv.protocol.acl.Users users) {
        return of("requirepass", () -> users.requirepassSet() ? "set" : "", password -> () -> users.requirePass(password));
    }

    /** An integer parameter in {@code [min, max]}, with Redis's errors for text and range. */
    static RuntimeSetting integer(String name, long min, long max, LongSupplier value, LongConsumer set) {
        return of(name, () -> Long.toString(value.getAsLong()), text -> {
            long parsed = parseInteger(text);
            if (parsed < min || parsed > max) {
                throw new InvalidValue("argument must be between " + min + " and " + max + " inclusive");
            }
            return () -> set.accept(parsed);
        });
    }

    /** A size in bytes with Redis's units ({@code 100mb}, {@code 1gb}, {@code 65536}), at least {@code min}. */
    static RuntimeSetting memory(String name, long min, LongSupplier value, LongConsumer set) {
        return of(name, () -> Long.toString(value.getAsLong()), text -> {
            long parsed;
            try {
                parsed = kv.protocol.endpoint.OutputBufferLimit.parse(text + " 0 0").hard();
            }
            catch (IllegalArgumentException e) {
                throw new InvalidValue("argument must be a memory value");
            }
            if (parsed < min) {
                throw new InvalidValue("argument must be between " + min + " and " + Long.MAX_VALUE + " inclusive");
            }
            return () -> set.accept(parsed);
        });
    }

    /** Redis's {@code string2ll} for config values, and its error. */
    static long parseInteger(String text) throws InvalidValue {
        try {
            if (text.isEmpty() || text.charAt(0) == '+' || text.length() > 1 && text.startsWith("0")) {
                throw new NumberFormatException(text);
            }
            return Long.parseLong(text);
        }
        catch (NumberFormatException e) {
            throw new InvalidValue("argument couldn't be parsed into an integer");
        }
    }
}
