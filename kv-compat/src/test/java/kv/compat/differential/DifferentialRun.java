package kv.compat.differential;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;

import kv.compat.differential.Operation.Comparison;
import kv.compat.support.Reply;
import kv.compat.support.WireConnection;

/**
 * Sends one generated command stream to a reference and to the services judged against it, one
 * operation at a time to each in turn, and stops at the first reply that differs, with all it
 * takes to replay it (the seed, the operation's index, the request, every target's reply and the
 * operations before it).
 */
final class DifferentialRun {

    /** A service to send the stream to, by a label for the report. */
    record Endpoint(String label, int port) {
    }

    /** What one command's generator produced during a run, as the reference answered. */
    static final class Tally {
        int sent;
        int errors;
        int arityErrors;
        final Set<String> errorTexts = new TreeSet<>();
        /** Requests the generator meant to have a wrong argument count that Redis accepted, or the reverse. */
        final List<String> arityMismatches = new ArrayList<>();
    }

    private static final int HISTORY = Integer.getInteger("kv.compat.history", 12);
    private static final int MAX_SCAN_CALLS = 10_000;

    private final Endpoint reference;
    private final List<Endpoint> judged;
    private final int protocol;
    private final int pipelineDepth;
    private final Map<String, Tally> tallies = new TreeMap<>();
    private final Map<String, Long> elapsed = new LinkedHashMap<>();
    /** An operation taken from the stream but left for the next chunk. */
    private Operation peeked;
    /** Each target's second connection, for a WATCH race's writer (opened when first needed). */
    private final Map<Endpoint, WireConnection> others = new LinkedHashMap<>();

    /** Replies in RESP {@code protocol} (2, or 3 after {@code HELLO 3}), one request at a time. */
    DifferentialRun(Endpoint reference, List<Endpoint> judged, int protocol) {
        this(reference, judged, protocol, 1);
    }

    /**
     * Requests pipelined as clients do: sent in chunks of 1 to {@code pipelineDepth} requests
     * before their replies are read, so that a server's batching (a round's requests, a round's
     * writes in one batch) is judged too.
     */
    DifferentialRun(Endpoint reference, List<Endpoint> judged, int protocol, int pipelineDepth) {
        this.reference = reference;
        this.judged = judged;
        this.protocol = protocol;
        this.pipelineDepth = pipelineDepth;
    }

    /**
     * Runs {@code count} operations of {@code seed}'s stream of the {@code enabled} commands;
     * {@code replay} says how to run it again, for a report.
     */
    Map<String, Tally> run(long seed, int count, Set<String> enabled, String replay) throws IOException {
        CommandGenerator generator = new CommandGenerator(seed, enabled);
        return run(count, index -> generator.next(), "stream seed " + seed + "; " + replay);
    }

    /** Runs a fixed list of operations; {@code source} names it in a report. */
    Map<String, Tally> run(List<Operation> operations, String source) throws IOException {
        return run(operations.size(), operations::get, source);
    }

    private Map<String, Tally> run(int count, IntFunction<Operation> operations, String source)
            throws IOException {
        Map<Endpoint, WireConnection> connections = new LinkedHashMap<>();
        try {
            for (Endpoint endpoint : endpoints()) {
                connections.put(endpoint, open(endpoint));
            }
            Deque<String> history = new ArrayDeque<>();
            Random chunkSizes = new Random(count);
            long lastEnd = 0;
            int index = 0;
            while (index < count) {
                List<Operation> chunk = chunk(operations, index, count, chunkSizes);
                if (comparesNearlyEqualTimes(chunk.get(0))) {
                    awaitTwoMillisecondsAfter(lastEnd);
                }
                Map<Endpoint, List<Reply>> replies = new LinkedHashMap<>();
                for (Map.Entry<Endpoint, WireConnection> connection : connections.entrySet()) {
                    long start = System.nanoTime();
                    replies.put(connection.getKey(), execute(connection.getKey(), connection.getValue(), chunk));
                    elapsed.merge(connection.getKey().label(), System.nanoTime() - start, Long::sum);
                }
                lastEnd = System.currentTimeMillis();
                for (int i = 0; i < chunk.size(); i++, index++) {
                    Operation operation = chunk.get(i);
                    Map<Endpoint, Reply> replied = new LinkedHashMap<>();
                    for (Map.Entry<Endpoint, List<Reply>> reply : replies.entrySet()) {
                        replied.put(reply.getKey(), reply.getValue().get(i));
                    }
                    Reply expected = replied.get(reference);
                    tally(operation, expected);
                    for (Endpoint endpoint : judged) {
                        String difference = ReplyComparator.difference(operation, expected, replied.get(endpoint));
                        if (difference != null) {
                            throw new AssertionError(report(source, count, index, operation, replied, endpoint,
                                    difference, history));
                        }
                    }
                    history.addLast(index + "  " + operation.render() + "  ->  " + expected);
                    if (history.size() > HISTORY) {
                        history.removeFirst();
                    }
                }
            }
            StringBuilder times = new StringBuilder();
            elapsed.forEach((label, nanos) -> times.append(String.format(", %s %d ms", label, nanos / 1_000_000)));
            System.out.printf("%d operations (RESP%d, pipeline depth %d, %s): time waiting for replies%s%n",
                    count, protocol, pipelineDepth, source, times);
            return tallies;
        }
        finally {
            for (WireConnection connection : connections.values()) {
                connection.close();
            }
            for (WireConnection connection : others.values()) {
                connection.close();
            }
            others.clear();
        }
    }

    /**
     * The next operations to send together: one, or with pipelining up to {@link #pipelineDepth}.
     * A SCAN iteration (which needs each reply's cursor), an EXPIRE GT|LT (which needs a pause
     * before it) and a WATCH race (whose steps wait for each other's replies) go alone; a
     * transaction without a second connection's steps is pipelined whole, as clients send it.
     */
    private List<Operation> chunk(IntFunction<Operation> operations, int index, int count, Random sizes) {
        int size = pipelineDepth == 1 ? 1 : 1 + sizes.nextInt(pipelineDepth);
        List<Operation> chunk = new ArrayList<>();
        while (chunk.size() < size && index + chunk.size() < count) {
            Operation operation = peeked != null ? peeked : operations.apply(index + chunk.size());
            peeked = null;
            boolean alone = operation.comparison() == Comparison.SCAN || comparesNearlyEqualTimes(operation)
                    || (operation.transaction() != null && operation.transaction().usesOtherConnection());
            if (alone && !chunk.isEmpty()) {
                peeked = operation;
                break;
            }
            chunk.add(operation);
            if (alone) {
                break;
            }
        }
        return chunk;
    }

    /** Sends a chunk's requests together (a transaction's every step), then reads their replies. */
    private List<Reply> execute(Endpoint endpoint, WireConnection connection, List<Operation> chunk) {
        if (chunk.size() == 1) {
            return List.of(execute(endpoint, connection, chunk.get(0)));
        }
        List<Reply> replies = new ArrayList<>();
        try {
            for (Operation operation : chunk) {
                if (operation.transaction() == null) {
                    connection.send(operation.args());
                    continue;
                }
                for (Operation.Step step : operation.transaction().steps()) {
                    connection.send(step.args());
                }
            }
            for (Operation operation : chunk) {
                if (operation.transaction() == null) {
                    replies.add(connection.read());
                    continue;
                }
                List<Reply> steps = new ArrayList<>();
                for (int i = 0; i < operation.transaction().steps().size(); i++) {
                    steps.add(connection.read());
                }
                replies.add(Reply.array(steps));
            }
        }
        catch (IOException e) {
            while (replies.size() < chunk.size()) {
                replies.add(Reply.simple('!', "no reply: " + e));
            }
        }
        return replies;
    }

    private List<Endpoint> endpoints() {
        List<Endpoint> all = new ArrayList<>(List.of(reference));
        all.addAll(judged);
        return all;
    }

    /** A connection in the run's protocol, on database 0, emptied (FLUSHALL where there is one, FLUSHDB on kv). */
    private WireConnection open(Endpoint endpoint) throws IOException {
        WireConnection connection = new WireConnection(endpoint.port());
        if (protocol == 3) {
            expectNoError(endpoint, "HELLO 3", connection.call("HELLO", "3"));
        }
        expectNoError(endpoint, "SELECT 0", connection.call("SELECT", "0"));
        Reply flushAll = connection.call("FLUSHALL");
        if (flushAll.isError()) {
            expectNoError(endpoint, "FLUSHDB", connection.call("FLUSHDB"));
        }
        // The script cache too: an EVALSHA must find on every target what this run's EVALs loaded,
        // not what an earlier run left in one of them (the reference is shared by every run).
        connection.call("SCRIPT", "FLUSH"); // refused where there are no scripts: nothing to forget there
        return connection;
    }

    private static void expectNoError(Endpoint endpoint, String request, Reply reply) {
        if (reply.isError()) {
            throw new AssertionError(endpoint.label() + " refused " + request + " before the run: " + reply);
        }
    }

    private Reply execute(Endpoint endpoint, WireConnection connection, Operation operation) {
        try {
            if (operation.comparison() == Comparison.SCAN) {
                return scanAll(connection, operation.args());
            }
            if (operation.transaction() != null) {
                return transaction(endpoint, connection, operation.transaction());
            }
            return connection.call(operation.args());
        }
        catch (IOException e) {
            return Reply.simple('!', "no reply: " + e);
        }
    }

    /**
     * A transaction's steps one after another, each reply read before the next step is sent (so a
     * second connection's write lands between WATCH and EXEC); the reply is the array of them all.
     * Without a second connection's steps, every step is sent at once, as a client pipelines it.
     */
    private Reply transaction(Endpoint endpoint, WireConnection connection, Operation.Transaction transaction)
            throws IOException {
        List<Reply> replies = new ArrayList<>();
        if (!transaction.usesOtherConnection()) {
            for (Operation.Step step : transaction.steps()) {
                connection.send(step.args());
            }
            for (int i = 0; i < transaction.steps().size(); i++) {
                replies.add(connection.read());
            }
            return Reply.array(replies);
        }
        for (Operation.Step step : transaction.steps()) {
            replies.add((step.other() ? other(endpoint) : connection).call(step.args()));
        }
        return Reply.array(replies);
    }

    /** {@code endpoint}'s second connection, in the run's protocol; not flushed (the run's first one was). */
    private WireConnection other(Endpoint endpoint) throws IOException {
        WireConnection other = others.get(endpoint);
        if (other == null) {
            other = new WireConnection(endpoint.port());
            others.put(endpoint, other);
            if (protocol == 3) {
                expectNoError(endpoint, "HELLO 3 (second connection)", other.call("HELLO", "3"));
            }
        }
        return other;
    }

    /** The keys of a whole SCAN iteration as a sorted set, or the first error a call got. */
    private static Reply scanAll(WireConnection connection, byte[][] options) throws IOException {
        Set<String> seen = new TreeSet<>();
        List<Reply> keys = new ArrayList<>();
        String cursor = "0";
        for (int call = 0; call < MAX_SCAN_CALLS; call++) {
            boolean hscan = CommandGenerator.text(options[0]).equalsIgnoreCase("HSCAN");
            int at = hscan ? 2 : 1; // HSCAN key cursor ...
            byte[][] request = new byte[options.length + 1][];
            System.arraycopy(options, 0, request, 0, at);
            request[at] = CommandGenerator.bytes(cursor)[0];
            System.arraycopy(options, at, request, at + 1, options.length - at);
            Reply reply = connection.call(request);
            if (reply.type() != '*' || reply.elements() == null || reply.elements().size() != 2
                    || reply.elements().get(1).elements() == null) {
                return reply;
            }
            List<Reply> found = reply.elements().get(1).elements();
            for (int i = 0; i < found.size(); i += hscan ? 2 : 1) {
                Reply key = hscan ? Reply.array(found.subList(i, Math.min(i + 2, found.size()))) : found.get(i);
                if (seen.add(key.render())) {
                    keys.add(key);
                }
            }
            cursor = reply.elements().get(0).text();
            if ("0".equals(cursor)) {
                keys.sort((a, b) -> a.render().compareTo(b.render()));
                return Reply.array(keys);
            }
        }
        return Reply.simple('!', "SCAN did not return to cursor 0 within " + MAX_SCAN_CALLS + " calls");
    }

    /**
     * EXPIRE ... GT|LT compares the new expiry time with the old one: with equal relative TTLs set
     * within one millisecond the two times are equal, a millisecond later they are not. So such a
     * command starts two milliseconds after the operation before it ended, on every target.
     */
    static boolean comparesNearlyEqualTimes(Operation operation) {
        if (operation.transaction() != null || !operation.command().contains("EXPIRE") || operation.command().contains("TIME")) {
            return false;
        }
        for (byte[] arg : operation.args()) {
            String word = CommandGenerator.text(arg);
            if (word.equalsIgnoreCase("GT") || word.equalsIgnoreCase("LT")) {
                return true;
            }
        }
        return false;
    }

    private static void awaitTwoMillisecondsAfter(long lastEnd) {
        while (System.currentTimeMillis() < lastEnd + 2) {
            Thread.onSpinWait();
        }
    }

    private void tally(Operation operation, Reply reply) {
        Tally tally = tallies.computeIfAbsent(operation.command(), name -> new Tally());
        tally.sent++;
        boolean arityError = reply.isError() && reply.text().startsWith("ERR wrong number of arguments");
        if (arityError != operation.wrongArity() && tally.arityMismatches.size() < 5) {
            tally.arityMismatches.add(operation.render() + " -> " + reply);
        }
        if (reply.isError()) {
            tally.errors++;
            if (arityError) {
                tally.arityErrors++;
            }
            if (tally.errorTexts.size() < 20) {
                tally.errorTexts.add(reply.text());
            }
        }
    }

    private String report(String source, int count, int index, Operation operation, Map<Endpoint, Reply> replies,
                          Endpoint failed, String difference, Deque<String> history) {
        StringBuilder text = new StringBuilder();
        text.append(failed.label()).append(" differs from ").append(reference.label())
                .append(" at operation ").append(index).append(" of ").append(count)
                .append(" (RESP").append(protocol).append(", ").append(source).append(")\n");
        text.append("  request:  ").append(operation.render()).append('\n');
        for (Map.Entry<Endpoint, Reply> reply : replies.entrySet()) {
            text.append(String.format("  %-16s %s%n", reply.getKey().label() + ":", reply.getValue()));
        }
        text.append("  ").append(failed.label()).append(": ").append(difference).append('\n');
        text.append("  the operations before it, with ").append(reference.label()).append("'s replies:\n");
        for (String line : history) {
            text.append("    ").append(line).append('\n');
        }
        return text.toString();
    }
}
