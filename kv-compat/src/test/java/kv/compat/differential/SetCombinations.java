package kv.compat.differential;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import kv.compat.differential.Operation.Comparison;

/**
 * Every combination of SET's options (NX, XX, GET, EX, PX, EXAT, PXAT, KEEPTTL: 256 subsets,
 * each in two orders), each from three states of its key (absent, present, present with a TTL),
 * then the key's value and TTL read back. Redis refuses most of them; the refusals must match too.
 * What the random stream reaches by chance, this reaches for certain.
 */
final class SetCombinations {

    static final String EXPIRY = "SET EX|PX|EXAT|PXAT|KEEPTTL";

    private SetCombinations() {
    }

    /** The operations for the commands in {@code enabled}: without expiry options unless {@link #EXPIRY} is. */
    static List<Operation> operations(Set<String> enabled) {
        long now = System.currentTimeMillis();
        List<List<String>> options = new ArrayList<>(List.of(List.of("NX"), List.of("XX"), List.of("GET")));
        boolean expiry = enabled.contains(EXPIRY);
        if (expiry) {
            options.addAll(List.of(List.of("EX", "100"), List.of("PX", "100000"),
                    List.of("EXAT", Long.toString(now / 1000 + 200)), List.of("PXAT", Long.toString(now + 200_000)),
                    List.of("KEEPTTL")));
        }
        List<Operation> operations = new ArrayList<>();
        for (int subset = 0; subset < 1 << options.size(); subset++) {
            List<List<String>> chosen = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                if ((subset & 1 << i) != 0) {
                    chosen.add(options.get(i));
                }
            }
            List<List<String>> reversed = new ArrayList<>(chosen);
            Collections.reverse(reversed);
            for (List<List<String>> order : chosen.size() > 1 ? List.of(chosen, reversed) : List.of(chosen)) {
                for (int state = 0; state < (expiry ? 3 : 2); state++) {
                    operations.add(op("DEL", "DEL", "k"));
                    if (state == 1) {
                        operations.add(op("SET", "SET", "k", "old"));
                    }
                    else if (state == 2) {
                        operations.add(op(EXPIRY, "SET", "k", "old", "PX", "1000000"));
                    }
                    List<String> set = new ArrayList<>(List.of("SET", "k", "new"));
                    order.forEach(set::addAll);
                    operations.add(op(expiry && subset >= 8 ? EXPIRY : "SET", set.toArray(new String[0])));
                    operations.add(op("GET", "GET", "k"));
                    if (enabled.contains("PTTL")) {
                        operations.add(new Operation("PTTL", CommandGenerator.bytes("PTTL", "k"), Comparison.MILLIS,
                                false));
                    }
                }
            }
        }
        return operations;
    }

    private static Operation op(String command, String... request) {
        return new Operation(command, CommandGenerator.bytes(request), Comparison.EXACT, false);
    }
}
