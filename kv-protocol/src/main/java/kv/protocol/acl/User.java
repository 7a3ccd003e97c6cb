package kv.protocol.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One ACL user as Redis 7 defines it, immutable: whether it is on, its password hashes (or
 * {@code nopass}), and its permissions: the root {@link Selector} (the keys, channels and
 * commands of the rules written outside parentheses) and any further selectors
 * ({@code (+get ~read:*)}); a command may run if one of them allows it. {@link #apply} gives the
 * user with more rules applied, left to right as {@code ACL SETUSER} applies them, or fails as a
 * whole.
 */
public final class User {

    private final String name;
    private final boolean enabled;
    private final boolean nopass;
    private final List<String> passwords;
    private final Selector root;
    private final List<Selector> selectors;
    /** Redis's {@code sanitize-payload} ({@code true}) or {@code skip-sanitize-payload} ({@code false}) flag, or null. */
    private final Boolean sanitizePayload;

    private User(String name, boolean enabled, boolean nopass, List<String> passwords, Selector root,
                 List<Selector> selectors, Boolean sanitizePayload) {
        this.name = name;
        this.enabled = enabled;
        this.nopass = nopass;
        this.passwords = List.copyOf(passwords);
        this.root = root;
        this.selectors = List.copyOf(selectors);
        this.sanitizePayload = sanitizePayload;
    }

    /**
     * A new user without any right, as ACL SETUSER creates one: off, no password, no keys, no
     * channels (Redis 7's {@code acl-pubsub-default resetchannels}), no commands, no selectors.
     *
     * @throws AclException if the name has spaces or is empty
     */
    public static User named(String name) {
        if (name.isEmpty() || Selector.Builder.hasSpaces(name)) {
            throw new AclException(null, "Usernames can't contain spaces or null characters");
        }
        return new User(name, false, false, List.of(), Selector.NONE, List.of(), null);
    }

    /** The {@code default} user of a server without a password: {@code on nopass ~* &* +@all}. */
    public static User defaultUser() {
        return named("default").apply(List.of("on", "nopass", "~*", "&*", "+@all"));
    }

    /**
     * This user with {@code rules} applied in order, a selector given over several rules
     * ({@code "(+get", "~read:*)"}) joined first, as Redis joins them.
     *
     * @throws AclException naming the first rule that fails, or the selector whose parenthesis is not closed
     */
    public User apply(List<String> rules) {
        Builder builder = new Builder(this);
        for (String rule : AclRules.joinSelectors(rules)) {
            builder.apply(rule);
        }
        return builder.build();
    }

    public User apply(String... rules) {
        return apply(List.of(rules));
    }

    public String name() {
        return name;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean nopass() {
        return nopass;
    }

    /**
     * GETUSER's {@code flags}, in Redis's order: {@code on} or {@code off}, {@code nopass},
     * {@code skip-sanitize-payload} or {@code sanitize-payload} (kept and shown; kv has no
     * RESTORE payload to sanitize).
     */
    public List<String> flags() {
        List<String> flags = new ArrayList<>();
        flags.add(enabled ? "on" : "off");
        if (nopass) {
            flags.add("nopass");
        }
        if (sanitizePayload != null) {
            flags.add(sanitizePayload ? "sanitize-payload" : "skip-sanitize-payload");
        }
        return flags;
    }

    /** The password hashes, hex SHA-256. */
    public List<String> passwords() {
        return passwords;
    }

    /** The permissions of the rules written outside parentheses. */
    public Selector root() {
        return root;
    }

    /** The further selectors, in the order they were added (GETUSER's {@code selectors}). */
    public List<Selector> selectors() {
        return selectors;
    }

    /** The root selector, then the others: the order in which a command is checked. */
    public List<Selector> allSelectors() {
        if (selectors.isEmpty()) {
            return List.of(root);
        }
        List<Selector> all = new ArrayList<>(selectors.size() + 1);
        all.add(root);
        all.addAll(selectors);
        return all;
    }

    public boolean allKeys() {
        return root.allKeys();
    }

    public List<KeyPattern> keys() {
        return root.keys();
    }

    public boolean allChannels() {
        return root.allChannels();
    }

    public List<String> channels() {
        return root.channels();
    }

    CommandRules commands() {
        return root.commands();
    }

    /** True if this user may run anything on any key and channel (the check can be skipped). */
    public boolean unrestricted() {
        return root.unrestricted();
    }

    /** True if {@code password} is one of this user's (any password if nopass); not whether the user is on. */
    public boolean accepts(byte[] password) {
        if (nopass) {
            return true;
        }
        boolean match = false;
        for (String hash : passwords) {
            match |= Passwords.matches(hash, password); // no early exit: the time does not tell which
        }
        return match;
    }

    /** GETUSER's {@code keys} (the root selector's): {@code ~*} or the patterns, space separated. */
    public String describeKeys() {
        return root.describeKeys();
    }

    /** GETUSER's {@code channels} (the root selector's): {@code &*} or the patterns, space separated. */
    public String describeChannels() {
        return root.describeChannels();
    }

    /** GETUSER's {@code commands} (the root selector's): {@code +@all}, {@code -@all +get}. */
    public String describeCommands() {
        return root.describeCommands();
    }

    /**
     * The rules that make this user from nothing, as ACL LIST and the ACL file write them:
     * {@code on #<hash> ~app:* resetchannels -@all +get (~read:* resetchannels -@all +mget)}.
     */
    public String describe() {
        StringBuilder text = new StringBuilder(String.join(" ", flags()));
        passwords.forEach(hash -> text.append(" #").append(hash));
        text.append(' ').append(root.describe());
        selectors.forEach(selector -> text.append(" (").append(selector.describe()).append(')'));
        return text.toString();
    }

    @Override
    public String toString() {
        return "user " + name + " " + describe();
    }

    /** Applies rules one at a time to a copy (SETUSER changes nothing if one of its rules fails). */
    private static final class Builder {

        private final String name;
        private boolean enabled;
        private boolean nopass;
        private final List<String> passwords;
        private Selector.Builder root;
        private final List<Selector> selectors;
        private Boolean sanitizePayload;

        Builder(User user) {
            name = user.name;
            enabled = user.enabled;
            nopass = user.nopass;
            passwords = new ArrayList<>(user.passwords);
            root = new Selector.Builder(user.root);
            selectors = new ArrayList<>(user.selectors);
            sanitizePayload = user.sanitizePayload;
        }

        User build() {
            return new User(name, enabled, nopass, passwords, root.build(), selectors, sanitizePayload);
        }

        /** One rule, in the order Redis's {@code ACLSetUser} tries them. */
        void apply(String rule) {
            if (rule.isEmpty()) {
                return; // Redis: an empty rule changes nothing
            }
            switch (rule.toLowerCase(Locale.ROOT)) {
                case "on" -> enabled = true;
                case "off" -> enabled = false;
                case "skip-sanitize-payload" -> sanitizePayload = false;
                case "sanitize-payload" -> sanitizePayload = true;
                case "nopass" -> {
                    nopass = true;
                    passwords.clear();
                }
                case "resetpass" -> {
                    nopass = false;
                    passwords.clear();
                }
                case "clearselectors" -> selectors.clear();
                case "reset" -> {
                    nopass = false;
                    passwords.clear();
                    root = new Selector.Builder(Selector.NONE);
                    enabled = false;
                    sanitizePayload = true;
                    selectors.clear();
                }
                default -> applyWithArgument(rule);
            }
        }

        private void applyWithArgument(String rule) {
            char first = rule.charAt(0);
            String rest = rule.substring(1);
            switch (first) {
                case '>' -> addPassword(Passwords.hash(rest));
                case '#' -> addPassword(checkedHash(rule, rest));
                case '<' -> removePassword(rule, Passwords.hash(rest));
                case '!' -> removePassword(rule, checkedHash(rule, rest));
                default -> {
                    if (first == '(' && rule.length() > 1 && rule.endsWith(")")) {
                        selectors.add(Selector.parse(rule));
                    }
                    else {
                        root.apply(rule);
                    }
                }
            }
        }

        private static String checkedHash(String rule, String hash) {
            if (!Passwords.isHash(hash)) {
                throw new AclException(rule,
                        "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
            }
            return hash;
        }

        private void addPassword(String hash) {
            if (!passwords.contains(hash)) {
                passwords.add(hash);
            }
            nopass = false;
        }

        private void removePassword(String rule, String hash) {
            if (!passwords.remove(hash)) {
                throw new AclException(rule, "The password you are trying to remove from the user does not exist");
            }
            nopass = false;
        }
    }
}
