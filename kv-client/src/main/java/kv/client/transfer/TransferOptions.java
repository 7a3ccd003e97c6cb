package kv.client.transfer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The words of a bulk tool's command line: {@code --name value} (or {@code --name=value})
 * options from a known set, and the positional words in order. An unknown option is an error,
 * so that a typo does not silently become a file name.
 */
public final class TransferOptions {

    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private TransferOptions() {
    }

    /**
     * @param withValue the option names (without {@code --}) that take a value
     * @throws IllegalArgumentException for an unknown option or one without its value
     */
    public static TransferOptions parse(List<String> words, Set<String> withValue) {
        TransferOptions parsed = new TransferOptions();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (!word.startsWith("--") || word.equals("--")) {
                parsed.positional.add(word);
                continue;
            }
            String name = word.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (!withValue.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            if (value == null) {
                if (i + 1 >= words.size()) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = words.get(++i);
            }
            parsed.options.put(name, value);
        }
        return parsed;
    }

    public List<String> positional() {
        return positional;
    }

    public String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** A whole number option, at least {@code min}. */
    public long number(String name, long fallback, long min) {
        String text = options.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min) {
                return value;
            }
        }
        catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--" + name + " must be a whole number of at least " + min + ", not '" + text + "'");
    }
}
