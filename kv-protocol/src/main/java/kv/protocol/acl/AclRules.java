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

    /**
     * The words of an ACL file line as Redis 7.0's {@code ACLLoadFromFile} splits it: at each
     * single space ({@code sdssplitlen}, no quoting; two spaces give an empty word, which changes
     * nothing), each word trimmed of tabs and line ends.
     */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.strip().split(" ", -1)) {
            words.add(trim(word));
        }
        if (words.size() == 1 && words.get(0).isEmpty()) {
            return List.of();
        }
        return words;
    }

    private static String trim(String word) {
        int from = 0;
        int to = word.length();
        while (from < to && isTrimmed(word.charAt(from))) {
            from++;
        }
        while (to > from && isTrimmed(word.charAt(to - 1))) {
            to--;
        }
        return word.substring(from, to);
    }

    private static boolean isTrimmed(char c) {
        return c == '\t' || c == '\r' || c == '\n';
    }

    /**
     * Rules with each selector given over several words ({@code "(+get", "~read:*)"}) joined into
     * one ({@code "(+get ~read:*)"}), as Redis's {@code ACLMergeSelectorArguments} joins them: a
     * word that starts with {@code (} and does not end with {@code )} opens a selector, the next
     * word that ends with {@code )} closes it.
     *
     * @throws AclException if a selector is not closed ({@link AclException.Kind#UNMATCHED_PARENTHESIS})
     */
    static List<String> joinSelectors(List<String> rules) {
        List<String> joined = new ArrayList<>(rules.size());
        StringBuilder selector = null;
        String opening = null;
        for (String rule : rules) {
            if (!rule.isEmpty() && rule.charAt(0) == '(' && rule.charAt(rule.length() - 1) != ')') {
                selector = new StringBuilder(rule); // a second opening word starts over, as in Redis
                opening = rule;
                continue;
            }
            if (selector != null) {
                selector.append(' ').append(rule);
                if (!rule.isEmpty() && rule.charAt(rule.length() - 1) == ')') {
                    joined.add(selector.toString());
                    selector = null;
                }
                continue;
            }
            joined.add(rule);
        }
        if (selector != null) {
            throw AclException.unmatchedParenthesis(opening);
        }
        return joined;
    }
}
