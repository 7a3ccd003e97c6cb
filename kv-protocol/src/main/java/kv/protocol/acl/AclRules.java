package kv.protocol.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis's rule syntax as text: {@link #parse} turns {@code "user alice on >secret ~app:* +@read"}
 * into the user it defines, a pure function for tests and fuzzing.
 */
public final class AclRules {

    private AclRules() {
    }

    /**
     * The user one line defines ({@code user <name> <rule>...}, as in an ACL file), or, without
     * the {@code user} keyword, the rules applied to a new user named {@code rules}' first word.
     *
     * @throws AclException with Redis's reason if the line or a rule is not valid
     */
    public static User parse(String line) {
        List<String> words = split(line);
        if (!words.isEmpty() && words.get(0).equals("user")) {
            words = words.subList(1, words.size());
        }
        if (words.isEmpty()) {
            throw new AclException(null, "should start with user keyword followed by the username");
        }
        return User.named(words.get(0)).apply(words.subList(1, words.size()));
    }

    /** The words of a line: split at spaces and tabs; double quotes group a word (no escapes). */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean started = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                started = true;
            }
            else if ((c == ' ' || c == '\t' || c == '\r') && !quoted) {
                if (started) {
                    words.add(word.toString());
                }
                word.setLength(0);
                started = false;
            }
            else {
                word.append(c);
                started = true;
            }
        }
        if (quoted) {
            throw new AclException(null, "Unbalanced quotes in configuration line");
        }
        if (started) {
            words.add(word.toString());
        }
        return words;
    }
}
