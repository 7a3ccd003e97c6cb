package kv.proxy.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Says whether a recorded history of SET, GET and INCR operations is linearizable: whether
 * there is one order of the operations, each placed at an instant between its invocation and its
 * completion, in which every answer is what {@link RegisterModel} would have given.
 *
 * <p>How: keys are independent (a register per key), so the history is split by key and each
 * part checked alone (P-compositionality, Horn and Kroening), which keeps every search small.
 * Each part is searched as Wing and Gong's algorithm with Lowe's memoisation (the one Knossos'
 * "linear" checker and Porcupine use): walk the invocation and completion events in time order,
 * try to linearize a pending operation at each step, and backtrack when an operation completes
 * that could not have been placed; a (set of linearized operations, register state) pair already
 * explored is never explored again.
 *
 * <p>What counts: an OK operation took effect once, with the answer recorded; a FAIL never did
 * (left out); an INFO one may have taken effect, at any time after its invocation, or never (its
 * completion is at infinity, where placing it changes nothing that was observed; an INFO GET
 * observed nothing and is left out). The initial state of every key is "no key", unless given.
 *
 * <p>Bound: at most {@code maxStates} memoised states per key; a key whose search needs more is
 * reported as undecided, never as linearizable.
 */
public final class LinearizabilityChecker {

    private final int maxStates;

    public LinearizabilityChecker(int maxStates) {
        this.maxStates = maxStates;
    }

    public LinearizabilityChecker() {
        this(2_000_000);
    }

    /** A key's verdict. */
    public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNDECIDED }

    /**
     * The verdict on a history.
     *
     * @param verdict NOT_LINEARIZABLE if any key is, else UNDECIDED if any key is, else LINEARIZABLE
     * @param perKey each key's verdict
     * @param explanation for a key that is not linearizable: the operations linearized the furthest
     *                    the search got, and the operation that then completed and could not be placed
     */
    public record Result(Verdict verdict, Map<String, Verdict> perKey, String explanation) {
        public boolean linearizable() {
            return verdict == Verdict.LINEARIZABLE;
        }
    }

    public Result check(List<Operation> history) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : history) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        Map<String, Verdict> perKey = new LinkedHashMap<>();
        String explanation = "";
        Verdict overall = Verdict.LINEARIZABLE;
        for (Map.Entry<String, List<Operation>> part : byKey.entrySet()) {
            KeySearch search = new KeySearch(part.getValue());
            Verdict verdict = search.run();
            perKey.put(part.getKey(), verdict);
            if (verdict == Verdict.NOT_LINEARIZABLE) {
                if (overall != Verdict.NOT_LINEARIZABLE) {
                    explanation = "key " + part.getKey() + ": " + search.explanation();
                }
                overall = Verdict.NOT_LINEARIZABLE;
            }
            else if (verdict == Verdict.UNDECIDED && overall == Verdict.LINEARIZABLE) {
                overall = Verdict.UNDECIDED;
                explanation = "key " + part.getKey() + ": more than " + maxStates + " states";
            }
        }
        return new Result(overall, perKey, explanation);
    }

    /** An invocation or completion in the doubly linked event list; a call knows its return. */
    private static final class Event {
        final Operation op;
        final int id;
        final boolean call;
        final long time;
        Event match;
        Event prev;
        Event next;

        Event(Operation op, int id, boolean call, long time) {
            this.op = op;
            this.id = id;
            this.call = call;
            this.time = time;
        }
    }

    private record Memo(BitSet linearized, String state) {
    }

    private record Frame(Event call, String stateBefore) {
    }

    /** The search over one key's operations. */
    private final class KeySearch {

        private final Event head = new Event(null, -1, false, Long.MIN_VALUE);
        private final List<Operation> operations = new ArrayList<>();
        /** OK operations: once they are all linearized, what is left is INFO, which may wait at infinity. */
        private int okCount;
        private Deque<Frame> deepest = new ArrayDeque<>();
        private Event stuckAt;

        KeySearch(List<Operation> history) {
            List<Event> events = new ArrayList<>();
            for (Operation op : history) {
                if (op.outcome() == Operation.Outcome.FAIL
                        || (op.outcome() == Operation.Outcome.INFO && op.kind() == Operation.Kind.GET)) {
                    continue; // never happened, or observed nothing
                }
                int id = operations.size();
                operations.add(op);
                if (op.outcome() == Operation.Outcome.OK) {
                    okCount++;
                }
                Event call = new Event(op, id, true, op.invokedAt());
                Event ret = new Event(op, id, false, op.completedAt());
                call.match = ret;
                events.add(call);
                events.add(ret);
            }
            // Time order; at equal times invocations first, so that such operations overlap (the
            // weaker claim: never calls a linearizable history illegal).
            events.sort((x, y) -> x.time != y.time ? Long.compare(x.time, y.time) : Boolean.compare(!x.call, !y.call));
            Event last = head;
            for (Event event : events) {
                last.next = event;
                event.prev = last;
                last = event;
            }
        }

        Verdict run() {
            BitSet linearized = new BitSet(operations.size());
            String state = null;
            Set<Memo> seen = new HashSet<>();
            Deque<Frame> stack = new ArrayDeque<>();
            Event entry = head.next;
            int okLinearized = 0;
            while (head.next != null && okLinearized < okCount) {
                if (entry.call) {
                    String after = RegisterModel.step(state, entry.op);
                    if (after != RegisterModel.ILLEGAL) {
                        BitSet next = (BitSet) linearized.clone();
                        next.set(entry.id);
                        if (seen.add(new Memo(next, after))) {
                            if (seen.size() > maxStates) {
                                return Verdict.UNDECIDED;
                            }
                            stack.push(new Frame(entry, state));
                            if (entry.op.outcome() == Operation.Outcome.OK) {
                                okLinearized++;
                            }
                            state = after;
                            linearized = next;
                            lift(entry);
                            if (stack.size() > deepest.size()) {
                                deepest = new ArrayDeque<>(stack);
                            }
                            entry = head.next;
                            continue;
                        }
                    }
                    entry = entry.next;
                }
                else {
                    // An operation completed that no order so far could place: undo the last choice.
                    if (stuckAt == null || stack.size() >= deepest.size()) {
                        stuckAt = entry; // where the deepest attempt got stuck
                    }
                    if (stack.isEmpty()) {
                        return Verdict.NOT_LINEARIZABLE;
                    }
                    Frame top = stack.pop();
                    if (top.call().op.outcome() == Operation.Outcome.OK) {
                        okLinearized--;
                    }
                    state = top.stateBefore();
                    linearized = (BitSet) linearized.clone();
                    linearized.clear(top.call().id);
                    unlift(top.call());
                    entry = top.call().next;
                }
            }
            // Every OK operation placed; the INFO ones left may take effect at infinity, observed by nothing.
            return Verdict.LINEARIZABLE;
        }

        private void lift(Event call) {
            call.prev.next = call.next;
            if (call.next != null) {
                call.next.prev = call.prev;
            }
            Event ret = call.match;
            ret.prev.next = ret.next;
            if (ret.next != null) {
                ret.next.prev = ret.prev;
            }
        }

        private void unlift(Event call) {
            Event ret = call.match;
            ret.prev.next = ret;
            if (ret.next != null) {
                ret.next.prev = ret;
            }
            call.prev.next = call;
            if (call.next != null) {
                call.next.prev = call;
            }
        }

        String explanation() {
            List<String> order = new ArrayList<>();
            deepest.descendingIterator().forEachRemaining(frame -> order.add(frame.call().op.toString()));
            int shown = Math.min(order.size(), 12);
            return "linearized at most " + order.size() + " operations, the last " + shown + ": "
                    + order.subList(order.size() - shown, order.size()) + "; then "
                    + Objects.toString(stuckAt == null ? null : stuckAt.op) + " completed and fits nowhere";
        }
    }
}
