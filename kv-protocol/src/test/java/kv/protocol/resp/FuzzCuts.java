package kv.protocol.resp;

import java.util.Arrays;
import java.util.Random;

/**
 * Where a fuzz test cuts a wire into reads: chosen from the wire's own bytes, so that the same
 * input always gives the same cuts (a crash replays from its input file alone).
 */
final class FuzzCuts {

    private FuzzCuts() {
    }

    static int[] of(byte[] wire) {
        if (wire.length < 2) {
            return new int[0];
        }
        Random random = new Random(Arrays.hashCode(wire));
        return random.ints(Math.min(wire.length - 1, 1 + random.nextInt(8)), 1, wire.length).sorted().distinct().toArray();
    }
}
