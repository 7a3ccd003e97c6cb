package kv.proxy.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandSpec;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;

/**
 * Splits a keyed command by owner, using the key positions of kv's command table: each part is the
 * same command with the keys (and, for {@code MSET}, their values) that one backend owns.
 *
 * @param parts for each owner, in order of first appearance, its sub-request and the ordinal of
 *              each of its keys in the original request (to put replies back in place)
 * @param keys every key of the request, in order
 */
record KeyRouting(Map<Backend, Part> parts, List<byte[]> keys) {

    /** One backend's share of a request. */
    record Part(Request request, List<Integer> ordinals) {
    }

    boolean singleOwner() {
        return parts.size() == 1;
    }

    static KeyRouting of(Request request, CommandSpec spec, Backends backends) {
        int last = spec.lastKeyIndex(request.size());
        int step = Math.max(1, spec.keyStep());
        Map<Backend, List<byte[]>> args = new LinkedHashMap<>();
        Map<Backend, List<Integer>> ordinals = new LinkedHashMap<>();
        List<byte[]> keys = new ArrayList<>();
        for (int i = spec.firstKey(); i <= last && i < request.size(); i += step) {
            byte[] key = request.arg(i);
            Backend owner = backends.owner(key);
            List<byte[]> part = args.computeIfAbsent(owner, b -> {
                List<byte[]> words = new ArrayList<>();
                words.add(request.arg(0));
                return words;
            });
            for (int j = i; j < i + step && j < request.size(); j++) {
                part.add(request.arg(j));
            }
            ordinals.computeIfAbsent(owner, b -> new ArrayList<>()).add(keys.size());
            keys.add(key);
        }
        Map<Backend, Part> parts = new LinkedHashMap<>();
        if (args.size() == 1) {
            // One owner: forward the request as the client wrote it (options after the keys included).
            Backend owner = args.keySet().iterator().next();
            parts.put(owner, new Part(request, ordinals.get(owner)));
        }
        else {
            args.forEach((owner, words) -> parts.put(owner, new Part(Request.of(words), ordinals.get(owner))));
        }
        return new KeyRouting(parts, keys);
    }
}
