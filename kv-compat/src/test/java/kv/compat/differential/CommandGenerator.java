package kv.compat.differential;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import kv.compat.differential.Operation.Comparison;

/**
 * A seeded random stream of commands over a small key space, so that commands collide on the
 * same keys: the strings-and-expiry part of Redis that applications use, with the edge cases
 * (refused option combinations, wrong arity, overflowing counters, odd floats, binary and empty
 * keys and values, negative and huge TTLs).
 *
 * <p>Design note: times are chosen so that no key expires during a run (positive TTLs are at
 * least 100 s; past ones expire at once), so every target sees the same keys whatever its
 * speed. Absolute times are computed when an operation is generated and sent as the same bytes
 * to every target; they are at least 100 s away from every relative TTL, so that GT and LT never
 * compare two nearly equal times (whose order would depend on when each target ran the command).
 * Relative times that are equal are kept apart by the runner ({@link DifferentialRun}).
 */
final class CommandGenerator {

    /** One command's generator and how often it is chosen. */
    private record Entry(int weight, int arity, Supplier<Operation> generate) {
    }

    private static final String[] KEYS = {"k0", "k1", "k2", "k3", "", "b\0\r\n\u00ff"};
    private static final String BIG = "x".repeat(1000);
    private static final String[] VALUES = {"v", "", "hello world", "\0\r\n\u00ff", "0", "1", "-1", "10",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.5e3", "3.0", "0.1", "inf",
            "-inf", "nan", "1e400", " 1", "abc", "007", BIG};
    /** EX and EXPIRE amounts: no positive one under 100 s, so nothing expires during a run. */
    private static final String[] SECONDS = {"100", "1000", "86400", "0", "-1", "-100", "9223372036854775807",
            "9223372036854775", "4611686018427387904", "1.5", "abc", "", " 100"};
    private static final String[] MILLIS = {"100000", "1000000", "86400000", "0", "-1", "-100000",
            "9223372036854775807", "9223372036854775", "1.5", "abc"};
    private static final String[] INCREMENTS = {"1", "-1", "10", "0", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "1.5", "abc", "", " 1"};
    private static final String[] FLOATS = {"0.1", "-0.1", "0.2", "1e3", "1.5e3", "3", "-5e-3", "inf", "-inf", "nan",
            "1e400", "abc", "", " 1", "1.0000000000000001", "5.0e-1", "0x10"};
    private static final String[] INDEXES = {"0", "1", "3", "-1", "-3", "5", "100", "-100", "9223372036854775807",
            "-9223372036854775808", "abc"};
    private static final String[] OFFSETS = {"0", "1", "5", "20", "-1", "536870912", "abc"};
    private static final String[] PATTERNS = {"*", "k*", "k?", "k[0-1]", "k[^0]", "[b-k]*", "\\*", "", "*0", "b*",
            "x*", "*\u00ff"};
    /** Hash fields: few, so that commands meet on them; an empty and a binary one too. */
    private static final String[] HASH_KEYS = {"h0", "h1"};
    private static final String[] FIELDS = {"f0", "f1", "f2", "", "b\0\r\n\u00ff"};
    private static final String[] BAD_DBS = {"16", "-1", "abc", "1.5", "9223372036854775808", "007", "-0",
            "2147483648", "-2147483649"};

    private final Random random;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<String> chosen;
    private final int totalWeight;
    /** An operation that must come next, if any (see {@link #setWithExpiry}). */
    private Operation followUp;
    /**
     * The database the run's connection has selected, as far as the stream's SELECTs decide it
     * (none is queued in a transaction): a WATCH race's second connection selects it too.
     */
    private String database = "0";

    /** Generates only the commands named in {@code enabled} (see {@link #ALL}). */
    CommandGenerator(long seed, Set<String> enabled) {
        this.random = new Random(seed);
        register();
        if (!entries.keySet().containsAll(enabled)) {
            List<String> unknown = new ArrayList<>(enabled);
            unknown.removeAll(entries.keySet());
            throw new IllegalArgumentException("no generator for " + unknown);
        }
        chosen = entries.keySet().stream().filter(enabled::contains).toList();
        totalWeight = chosen.stream().mapToInt(name -> entries.get(name).weight()).sum();
    }

    /** Every command this generator can produce. */
    static Set<String> all() {
        return Collections.unmodifiableSet(new CommandGenerator(0, Set.of()).entries.keySet());
    }

    Operation next() {
        if (followUp != null) {
            Operation next = followUp;
            followUp = null;
            return next;
        }
        int pick = random.nextInt(totalWeight);
        for (String name : chosen) {
            Entry entry = entries.get(name);
            pick -= entry.weight();
            if (pick < 0) {
                if (entry.arity() != 0 && random.nextInt(40) == 0) {
                    return wrongArity(name, entry.arity());
                }
                Operation operation = entry.generate().get().named(name);
                if (name.equals("SELECT") && operation.args().length == 2 && isDatabase(operation.args()[1])) {
                    database = text(operation.args()[1]);
                }
                return operation;
            }
        }
        throw new AssertionError("weights do not add up");
    }

    private void register() {
        add("SET", 14, -3, () -> op(words(conditionalOptions(), "SET", key(), value())));
        add("SET EX|PX|EXAT|PXAT|KEEPTTL", 10, -3, this::setWithExpiry);
        add("GET", 14, 2, () -> op("GET", key()));
        add("MGET", 5, -2, () -> op(words(keys(1 + random.nextInt(4)), "MGET")));
        add("MSET", 4, -3, () -> pairs("MSET"));
        add("MSETNX", 3, -3, () -> pairs("MSETNX"));
        add("DEL", 4, -2, () -> op(words(keys(1 + random.nextInt(3)), "DEL")));
        add("UNLINK", 3, -2, () -> op(words(keys(1 + random.nextInt(3)), "UNLINK")));
        add("EXISTS", 4, -2, () -> op(words(keys(1 + random.nextInt(4)), "EXISTS")));
        add("SETEX", 3, 4, () -> op("SETEX", key(), pick(SECONDS), value()));
        add("PSETEX", 3, 4, () -> op("PSETEX", key(), pick(MILLIS), value()));
        add("GETEX", 4, -2, this::getex);
        add("GETDEL", 3, 2, () -> op("GETDEL", key()));
        add("GETSET", 3, 3, () -> op("GETSET", key(), value()));
        add("SETNX", 3, 3, () -> op("SETNX", key(), value()));
        add("EXPIRE", 4, -3, () -> expire("EXPIRE", pick(SECONDS)));
        add("PEXPIRE", 4, -3, () -> expire("PEXPIRE", pick(MILLIS)));
        add("EXPIREAT", 3, -3, () -> expire("EXPIREAT", absoluteSeconds()));
        add("PEXPIREAT", 3, -3, () -> expire("PEXPIREAT", absoluteMillis()));
        add("TTL", 4, 2, () -> timed(Comparison.SECONDS, "TTL", key()));
        add("PTTL", 4, 2, () -> timed(Comparison.MILLIS, "PTTL", key()));
        add("EXPIRETIME", 3, 2, () -> timed(Comparison.SECONDS, "EXPIRETIME", key()));
        add("PEXPIRETIME", 3, 2, () -> timed(Comparison.MILLIS, "PEXPIRETIME", key()));
        add("PERSIST", 3, 2, () -> op("PERSIST", key()));
        add("INCR", 4, 2, () -> op("INCR", key()));
        add("DECR", 3, 2, () -> op("DECR", key()));
        add("INCRBY", 3, 3, () -> op("INCRBY", key(), pick(INCREMENTS)));
        add("DECRBY", 3, 3, () -> op("DECRBY", key(), pick(INCREMENTS)));
        add("INCRBYFLOAT", 4, 3, () -> op("INCRBYFLOAT", key(), pick(FLOATS)));
        add("APPEND", 3, 3, () -> op("APPEND", key(), value()));
        add("STRLEN", 3, 2, () -> op("STRLEN", key()));
        add("GETRANGE", 3, 4, () -> op("GETRANGE", key(), pick(INDEXES), pick(INDEXES)));
        add("SETRANGE", 3, 4, () -> op("SETRANGE", key(), pick(OFFSETS), random.nextInt(4) == 0 ? "" : value()));
        add("TYPE", 3, 2, () -> op("TYPE", key()));
        add("RENAME", 2, 3, () -> op("RENAME", key(), key()));
        add("RENAMENX", 2, 3, () -> op("RENAMENX", key(), key()));
        add("COPY", 2, -3, this::copy);
        add("TOUCH", 2, -2, () -> op(words(keys(1 + random.nextInt(3)), "TOUCH")));
        add("DBSIZE", 2, 1, () -> op("DBSIZE"));
        add("SELECT", 2, 2, () -> op("SELECT", db()));
        add("KEYS", 2, 2, () -> new Operation("KEYS", bytes("KEYS", pick(PATTERNS)), Comparison.UNORDERED, false));
        add("SCAN", 2, -2, this::scan);
        add("PING", 1, -1, () -> random.nextBoolean() ? op("PING") : op("PING", value()));
        add("ECHO", 1, 2, () -> op("ECHO", value()));
        // No subscriber in a one-client stream: PUBLISH answers 0, PUBSUB its empty views and its errors.
        add("PUBLISH", 1, 3, () -> op("PUBLISH", key(), value()));
        add("PUBSUB", 1, -2, () -> switch (random.nextInt(6)) {
            case 0 -> op("PUBSUB", "NUMPAT");
            case 1 -> op(words(keys(random.nextInt(3)), "PUBSUB", "NUMSUB"));
            case 2 -> op("PUBSUB", "CHANNELS", pick(PATTERNS));
            case 3 -> op("PUBSUB", "CHANNELS");
            case 4 -> op("PUBSUB", "CHANNELS", key(), key()); // "unknown subcommand or wrong number of arguments"
            default -> new Operation("PUBSUB", bytes("PUBSUB", "NUMPAT", key()), Comparison.EXACT, true);
        });
        // Operator commands (issue 18), judged on kv-server alone (DifferentialTest.OPERATOR_COMMANDS).
        // A single server's ROLE: ["master", 0, []]. SLOWLOG RESET, then SLOWLOG LEN: 0 on both.
        add("ROLE", 3, 1, () -> op("ROLE"));
        add("SLOWLOG RESET|LEN", 3, -2, () -> {
            followUp = op("SLOWLOG", "LEN").named("SLOWLOG RESET|LEN");
            return op("SLOWLOG", "RESET");
        });
        // Set to Redis's defaults only: the services are shared with the other tests of the run.
        add("CONFIG SET|GET slowlog", 3, 0, () -> switch (random.nextInt(4)) {
            case 0 -> op("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            case 1 -> op("CONFIG", "SET", "slowlog-max-len", "128");
            case 2 -> op("CONFIG", "GET", "slowlog-log-slower-than");
            default -> op("CONFIG", "GET", "slowlog-max-len");
        });
        add("FLUSHDB", 1, -1, () -> random.nextInt(4) == 0 ? op("FLUSHDB", "ASYNC") : op("FLUSHDB"));
        add("EVAL", 3, -3, () -> script("EVAL", pick(SCRIPTS)));
        add("EVALSHA", 2, -3, () -> script("EVALSHA", sha1(pick(SCRIPTS))));
        add("MULTI", 4, 0, this::transaction);
        add("WATCH", 3, 0, this::watchRace);
        // Hashes: half the time on the strings' keys (WRONGTYPE both ways), half on keys of their own, where hashes last.
        add("HSET", 6, -4, () -> fieldPairs("HSET"));
        add("HMSET", 2, -4, () -> fieldPairs("HMSET"));
        add("HSETNX", 3, 4, () -> op("HSETNX", hashKey(), field(), value()));
        add("HGET", 5, 3, () -> op("HGET", hashKey(), field()));
        add("HMGET", 3, -3, () -> op(words(fields(1 + random.nextInt(3)), "HMGET", hashKey())));
        add("HDEL", 3, -3, () -> op(words(fields(1 + random.nextInt(3)), "HDEL", hashKey())));
        add("HEXISTS", 2, 3, () -> op("HEXISTS", hashKey(), field()));
        add("HLEN", 3, 2, () -> op("HLEN", hashKey()));
        add("HSTRLEN", 2, 3, () -> op("HSTRLEN", hashKey(), field()));
        add("HINCRBY", 3, 4, () -> op("HINCRBY", hashKey(), field(), pick(INCREMENTS)));
        add("HINCRBYFLOAT", 3, 4, () -> op("HINCRBYFLOAT", hashKey(), field(), pick(FLOATS)));
        add("HGETALL", 3, 2, () -> new Operation("HGETALL", bytes("HGETALL", hashKey()), Comparison.UNORDERED_PAIRS, false));
        add("HKEYS", 2, 2, () -> new Operation("HKEYS", bytes("HKEYS", hashKey()), Comparison.UNORDERED, false));
        add("HVALS", 2, 2, () -> new Operation("HVALS", bytes("HVALS", hashKey()), Comparison.UNORDERED, false));
        add("HRANDFIELD", 2, -2, this::hrandfield);
        add("HSCAN", 2, -3, this::hscan);
        add("UNKNOWN", 1, 0,
                () -> op(words(keys(random.nextInt(3)), pick(new String[] {"FOO", "GETT", "SETX", "HELLOWORLD"}))));
    }

    /** Scripts as applications write them (one or two keys, an argument), and ones that fail. */
    private static final String[] SCRIPTS = {
        "return redis.call('get', KEYS[1])",
        "return redis.call('set', KEYS[1], ARGV[1])",
        "return redis.call('incr', KEYS[1])",
        "return redis.pcall('incrby', KEYS[1], ARGV[1])",
        "local v = redis.call('get', KEYS[1]) if v then redis.call('set', KEYS[2], v) end return v",
        "return {redis.call('del', KEYS[1]), redis.call('exists', KEYS[1], KEYS[2])}",
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
        "return redis.call('append', KEYS[1], ARGV[1]) + redis.call('strlen', KEYS[2])",
        "return redis.call('nosuch', KEYS[1])",
        "return {KEYS[1], ARGV[1], #KEYS, #ARGV, redis.call('type', KEYS[2])}",
    };

    /** EVAL or EVALSHA of {@code script}: two keys and a value mostly, sometimes too few or too many. */
    private Operation script(String command, String script) {
        return switch (random.nextInt(8)) {
            case 0 -> op(command, script, "1", key()); // ARGV[1] is nil: redis.call refuses it
            case 1 -> op(command, script, "3", key(), key()); // more keys than arguments
            default -> op(command, script, "2", key(), key(), value());
        };
    }

    private static String sha1(String script) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void add(String name, int weight, int arity, Supplier<Operation> generate) {
        entries.put(name, new Entry(weight, arity, generate));
    }

    /** Generators that never go inside a transaction: SCAN needs each reply's cursor; a queued SELECT would hide the database. */
    private static final Set<String> NOT_QUEUED = Set.of("SCAN", "SELECT", "MULTI", "WATCH");

    /**
     * MULTI, up to six queued operations of the enabled commands (a wrong argument count or an
     * unknown command among them aborts EXEC, as on Redis), then EXEC or DISCARD. Now and then a
     * nested MULTI or a WATCH inside (refused, the transaction goes on), or EXEC, DISCARD or
     * UNWATCH outside any transaction.
     */
    private Operation transaction() {
        if (random.nextInt(10) == 0) {
            return op(pick(new String[] {"EXEC", "DISCARD", "UNWATCH"}));
        }
        List<Operation.Step> steps = new ArrayList<>();
        List<Operation> queued = new ArrayList<>();
        steps.add(step(false, "MULTI"));
        queue(steps, queued, random.nextInt(7));
        finish(steps, queued);
        return transactionOf(steps, queued);
    }

    /**
     * WATCH on one to three keys; then, one request at a time, writes and reads by a second connection
     * on the same database (or by the watching one itself) that may touch a watched key; then MULTI,
     * queued operations and EXEC, whose reply is the null array if a watched key was changed. Now
     * and then an UNWATCH before MULTI, which makes the writes harmless.
     */
    private Operation watchRace() {
        List<Operation.Step> steps = new ArrayList<>();
        List<Operation> queued = new ArrayList<>();
        steps.add(new Operation.Step(false, bytes(words(keys(1 + random.nextInt(3)), "WATCH"))));
        steps.add(step(true, "SELECT", database));
        int writes = random.nextInt(4);
        for (int i = 0; i < writes; i++) {
            boolean other = random.nextInt(4) != 0;
            for (Operation operation : inner(operation -> operation.comparison() == Comparison.EXACT)) {
                steps.add(new Operation.Step(other, operation.args()));
            }
        }
        if (random.nextInt(6) == 0) {
            steps.add(step(false, "UNWATCH"));
        }
        steps.add(step(false, "MULTI"));
        queue(steps, queued, random.nextInt(4));
        finish(steps, queued);
        return transactionOf(steps, queued);
    }

    /** Queues {@code count} operations after MULTI, sometimes with a refused nested MULTI or WATCH among them. */
    private void queue(List<Operation.Step> steps, List<Operation> queued, int count) {
        for (int i = 0; i < count; i++) {
            if (random.nextInt(25) == 0) {
                steps.add(random.nextBoolean() ? step(false, "MULTI") : step(false, "WATCH", key()));
            }
            for (Operation operation : inner(operation -> true)) {
                steps.add(new Operation.Step(false, operation.args()));
                queued.add(operation);
            }
        }
    }

    /** EXEC most often, DISCARD now and then; lower case at times. */
    private void finish(List<Operation.Step> steps, List<Operation> queued) {
        steps.add(step(false, randomCase(random.nextInt(8) == 0 ? "DISCARD" : "EXEC")));
    }

    private static Operation transactionOf(List<Operation.Step> steps, List<Operation> queued) {
        return new Operation("MULTI", steps.get(0).args(), Comparison.TRANSACTION, false,
                new Operation.Transaction(List.copyOf(steps), List.copyOf(queued)));
    }

    /**
     * One operation of an enabled command that may be queued ({@link #NOT_QUEUED}) and that
     * {@code accepted} takes, with the read that must follow it if there is one. No EXPIRE GT|LT:
     * in a transaction it would compare two times set within the same millisecond or not.
     */
    private List<Operation> inner(java.util.function.Predicate<Operation> accepted) {
        List<String> candidates = chosen.stream().filter(name -> !NOT_QUEUED.contains(name)).toList();
        if (candidates.isEmpty()) {
            return List.of(op("PING"));
        }
        int weight = candidates.stream().mapToInt(name -> entries.get(name).weight()).sum();
        while (true) {
            int pick = random.nextInt(weight);
            String name = null;
            for (String candidate : candidates) {
                pick -= entries.get(candidate).weight();
                if (pick < 0) {
                    name = candidate;
                    break;
                }
            }
            Entry entry = entries.get(name);
            Operation operation = entry.arity() != 0 && random.nextInt(40) == 0
                    ? wrongArity(name, entry.arity()) : entry.generate().get().named(name);
            Operation then = followUp;
            followUp = null;
            // A whole-iteration comparison (SCAN, HSCAN) needs each reply's cursor: never queued.
            if (accepted.test(operation) && operation.comparison() != Comparison.SCAN
                    && !DifferentialRun.comparesNearlyEqualTimes(operation)) {
                return then == null ? List.of(operation) : List.of(operation, then);
            }
        }
    }

    private static Operation.Step step(boolean other, String... request) {
        return new Operation.Step(other, bytes(request));
    }

    /** A database index SELECT accepts (0-15, no leading zero or sign), as {@link #db()} produces them. */
    private static boolean isDatabase(byte[] index) {
        String text = text(index);
        return text.matches("0|[1-9][0-9]?") && Integer.parseInt(text) < 16;
    }

    /** NX, XX and GET in every combination and order, NX with XX (refused) included; sometimes a bad option. */
    private String[] conditionalOptions() {
        List<String> options = new ArrayList<>();
        for (String option : new String[] {"NX", "XX", "GET"}) {
            if (random.nextInt(3) == 0) {
                options.add(randomCase(option));
            }
        }
        if (random.nextInt(30) == 0) {
            options.add(random.nextBoolean() ? "GET" : "BOGUS"); // a repeated GET is accepted, an unknown word is not
        }
        Collections.shuffle(options, random);
        return options.toArray(new String[0]);
    }

    /** EX, PX, EXAT, PXAT and KEEPTTL, alone, together (refused), with NX, XX and GET, and without their argument. */
    private Operation setWithExpiry() {
        List<String> options = new ArrayList<>();
        int expiries = random.nextInt(8) == 0 ? 2 : 1;
        for (int i = 0; i < expiries; i++) {
            switch (random.nextInt(5)) {
                case 0 -> options.addAll(List.of(randomCase("EX"), pick(SECONDS)));
                case 1 -> options.addAll(List.of(randomCase("PX"), pick(MILLIS)));
                case 2 -> options.addAll(List.of(randomCase("EXAT"), absoluteSeconds()));
                case 3 -> options.addAll(List.of(randomCase("PXAT"), absoluteMillis()));
                default -> options.add(randomCase("KEEPTTL"));
            }
        }
        options.addAll(List.of(conditionalOptions()));
        String key = key();
        List<String> request = new ArrayList<>(List.of("SET", key, value()));
        request.addAll(options);
        if (random.nextInt(25) == 0) {
            request.add(pick(new String[] {"EX", "PX", "EXAT", "PXAT"})); // an option without its argument
        }
        if (options.stream().anyMatch(option -> option.equalsIgnoreCase("EXAT") || option.equalsIgnoreCase("PXAT"))) {
            // Redis 7.0 stores a key whose EXAT/PXAT has passed and counts it in DBSIZE until its
            // active expiry (random and timed) reclaims it; a GET deletes it now, on every target alike.
            followUp = new Operation("SET EX|PX|EXAT|PXAT|KEEPTTL", bytes("GET", key), Comparison.EXACT, false);
        }
        return op(request.toArray(new String[0]));
    }

    private Operation getex() {
        List<String> request = new ArrayList<>(List.of("GETEX", key()));
        switch (random.nextInt(8)) {
            case 0 -> request.addAll(List.of("EX", pick(SECONDS)));
            case 1 -> request.addAll(List.of("PX", pick(MILLIS)));
            case 2 -> request.addAll(List.of("EXAT", absoluteSeconds()));
            case 3 -> request.addAll(List.of("PXAT", absoluteMillis()));
            case 4 -> request.add("PERSIST");
            case 5 -> request.addAll(List.of("EX", pick(SECONDS), "PERSIST")); // refused
            case 6 -> request.add(pick(new String[] {"EX", "KEEPTTL", "NX"})); // refused
            default -> {
            }
        }
        return op(request.toArray(new String[0]));
    }

    /** EXPIRE-like with none, one or two (refused when they contradict) of NX, XX, GT and LT. */
    private Operation expire(String command, String time) {
        List<String> request = new ArrayList<>(List.of(command, key(), time));
        int flags = random.nextInt(10) < 5 ? 0 : random.nextInt(10) < 8 ? 1 : 2;
        for (int i = 0; i < flags; i++) {
            request.add(randomCase(pick(new String[] {"NX", "XX", "GT", "LT"})));
        }
        if (random.nextInt(30) == 0) {
            request.add("BOGUS");
        }
        return op(request.toArray(new String[0]));
    }

    /** COPY with DB n and REPLACE in either order; DB 16 and DB abc are refused. */
    private Operation copy() {
        List<List<String>> options = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            options.add(List.of("DB", db()));
        }
        if (random.nextInt(3) == 0) {
            options.add(List.of("REPLACE"));
        }
        Collections.shuffle(options, random);
        List<String> request = new ArrayList<>(List.of("COPY", key(), key()));
        options.forEach(request::addAll);
        return op(request.toArray(new String[0]));
    }

    private Operation scan() {
        switch (random.nextInt(10)) {
            case 0 -> {
                // One call whose reply is an error (or a cursor Redis accepts): compared exactly.
                String[][] odd = {{"SCAN", "abc"}, {"SCAN", "0", "COUNT", "0"}, {"SCAN", "0", "MATCH"},
                        {"SCAN", "0", "COUNT", "abc"}, {"SCAN", "99999999999999999999"}, {"SCAN", "0", "BOGUS", "1"}};
                return op(pick(odd));
            }
            default -> {
                List<String> request = new ArrayList<>(List.of("SCAN"));
                if (random.nextBoolean()) {
                    request.addAll(List.of("MATCH", pick(PATTERNS)));
                }
                if (random.nextBoolean()) {
                    request.addAll(List.of("COUNT", Integer.toString(1 + random.nextInt(20))));
                }
                if (random.nextInt(4) == 0) {
                    request.addAll(List.of("TYPE", random.nextBoolean() ? "string" : "hash"));
                }
                return new Operation("SCAN", bytes(request.toArray(new String[0])), Comparison.SCAN, false);
            }
        }
    }

    /** HSET and HMSET with one to three field-value pairs; now and then a field without its value (wrong arity). */
    private Operation fieldPairs(String command) {
        List<String> request = new ArrayList<>(List.of(command, hashKey()));
        int pairs = 1 + random.nextInt(3);
        for (int i = 0; i < pairs; i++) {
            request.addAll(List.of(field(), value()));
        }
        boolean odd = random.nextInt(30) == 0;
        if (odd) {
            request.add(field());
        }
        return new Operation(command, bytes(request.toArray(new String[0])), Comparison.EXACT, odd);
    }

    /**
     * HRANDFIELD in the forms whose answer is not random: a count beyond every hash's size (the
     * whole hash, as a set), 0, and the refused ones.
     */
    private Operation hrandfield() {
        String key = hashKey();
        return switch (random.nextInt(6)) {
            case 0, 1 -> new Operation("HRANDFIELD", bytes("HRANDFIELD", key, "100"), Comparison.UNORDERED, false);
            case 2, 3 -> new Operation("HRANDFIELD", bytes("HRANDFIELD", key, "100", randomCase("WITHVALUES")),
                    Comparison.UNORDERED_PAIRS, false);
            case 4 -> op("HRANDFIELD", key, "0");
            default -> op(pick(new String[][] {{"HRANDFIELD", key, "abc"}, {"HRANDFIELD", key, "1", "BOGUS"},
                    {"HRANDFIELD", key, "-9223372036854775808"}, {"HRANDFIELD", key, "4611686018427387904", "WITHVALUES"},
                    {"HRANDFIELD", key, "1", "WITHVALUES", "x"}}));
        };
    }

    /** HSCAN's whole iteration with MATCH and COUNT, or one call whose reply is an error or an empty page. */
    private Operation hscan() {
        String key = hashKey();
        if (random.nextInt(8) == 0) {
            return op(pick(new String[][] {{"HSCAN", key, "abc"}, {"HSCAN", key, "0", "COUNT", "0"},
                    {"HSCAN", key, "0", "MATCH"}, {"HSCAN", key, "0", "COUNT", "abc"}, {"HSCAN", key, "0", "TYPE", "hash"},
                    {"HSCAN", key, "0", "BOGUS", "1"}}));
        }
        List<String> request = new ArrayList<>(List.of("HSCAN", key));
        if (random.nextBoolean()) {
            request.addAll(List.of("MATCH", pick(new String[] {"*", "f*", "f?", "[a-f]1", "b*", "x*"})));
        }
        if (random.nextBoolean()) {
            request.addAll(List.of("COUNT", Integer.toString(1 + random.nextInt(5))));
        }
        return new Operation("HSCAN", bytes(request.toArray(new String[0])), Comparison.SCAN, false);
    }

    /** {@code name} with one word too few (or, for a fixed arity, one too many). */
    private Operation wrongArity(String name, int arity) {
        int words;
        if (arity > 0) {
            words = random.nextBoolean() && arity > 1 ? arity - 1 : arity + 1;
        }
        else if (arity < -1) {
            words = -arity - 1;
        }
        else {
            return entries.get(name).generate().get(); // PING, FLUSHDB: no count is wrong
        }
        String[] request = new String[words];
        request[0] = name.split(" ")[0];
        for (int i = 1; i < words; i++) {
            request[i] = key();
        }
        return new Operation(name, bytes(request), Comparison.EXACT, true);
    }

    private Operation pairs(String command) {
        int pairs = 1 + random.nextInt(3);
        List<String> request = new ArrayList<>(List.of(command));
        for (int i = 0; i < pairs; i++) {
            request.addAll(List.of(key(), value()));
        }
        boolean odd = random.nextInt(30) == 0;
        if (odd) {
            request.add(key()); // a key without a value
        }
        return new Operation(command, bytes(request.toArray(new String[0])), Comparison.EXACT, odd);
    }

    private Operation timed(Comparison comparison, String... request) {
        return new Operation(request[0], bytes(request), comparison, false);
    }

    private static Operation op(String... request) {
        return new Operation(request[0], bytes(request), Comparison.EXACT, false);
    }

    /** {@code head}, then {@code tail}. */
    private static String[] words(String[] tail, String... head) {
        String[] words = new String[head.length + tail.length];
        System.arraycopy(head, 0, words, 0, head.length);
        System.arraycopy(tail, 0, words, head.length, tail.length);
        return words;
    }

    private String absoluteSeconds() {
        long now = System.currentTimeMillis() / 1000;
        return switch (random.nextInt(8)) {
            case 0, 1 -> Long.toString(now + 200);
            case 2 -> Long.toString(now + 90_000);
            case 3 -> Long.toString(now - 100); // in the past: the key is gone for every read at once
            case 4 -> "0";
            case 5 -> "-1";
            case 6 -> "9223372036854775807";
            default -> pick(new String[] {"abc", "1.5", Long.toString(now + 2000)});
        };
    }

    private String absoluteMillis() {
        long now = System.currentTimeMillis();
        return switch (random.nextInt(8)) {
            case 0, 1 -> Long.toString(now + 200_000);
            case 2 -> Long.toString(now + 90_000_000);
            case 3 -> Long.toString(now - 100_000);
            case 4 -> "0";
            case 5 -> "-1";
            case 6 -> "9223372036854775807";
            default -> pick(new String[] {"abc", "1.5", Long.toString(now + 2_000_000)});
        };
    }

    /** Database 0 most often (so keys still collide), any of 1-15, or one out of range. */
    private String db() {
        int pick = random.nextInt(20);
        return pick < 8 ? "0" : pick < 16 ? Integer.toString(1 + random.nextInt(15)) : pick(BAD_DBS);
    }

    private String key() {
        return pick(KEYS);
    }

    private String[] keys(int count) {
        String[] keys = new String[count];
        for (int i = 0; i < count; i++) {
            keys[i] = key();
        }
        return keys;
    }

    /** A key for a hash command: one of the strings' keys, or one only hash commands use. */
    private String hashKey() {
        return random.nextBoolean() ? key() : pick(HASH_KEYS);
    }

    private String field() {
        return pick(FIELDS);
    }

    private String[] fields(int count) {
        String[] fields = new String[count];
        for (int i = 0; i < count; i++) {
            fields[i] = field();
        }
        return fields;
    }

    private String value() {
        return pick(VALUES);
    }

    private String randomCase(String word) {
        return switch (random.nextInt(4)) {
            case 0 -> word.toLowerCase();
            case 1 -> word.charAt(0) + word.substring(1).toLowerCase();
            default -> word;
        };
    }

    private <T> T pick(T[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** Strings as bytes; a char up to U+00FF is one byte, so keys and values can hold any byte (0xff too). */
    static byte[][] bytes(String... words) {
        byte[][] bytes = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            bytes[i] = words[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return bytes;
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
