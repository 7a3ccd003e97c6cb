package kv.protocol.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One ACL user as Redis 7 defines it, immutable: whether it is on, its password hashes (or
 * {@code nopass}), the keys, channels and commands it may use. {@link #apply} gives the user with
 * more rules applied, left to right as {@code ACL SETUSER} applies them, or fails as a whole.
 *
 * <p>Selectors ({@code (...)}, Redis 7's extra permission sets) are not supported: a rule
 * starting with {@code (} is refused with a clear error.
 */
public final class User {

    private final String name;
    private final boolean enabled;
    private final boolean nopass;
    private final List<String> passwords;
    private final boolean allKeys;
    private final List<KeyPattern> keys;
    private final boolean allChannels;
    private final List<String> channels;
    private final CommandRules commands;
    /** Redis's {@code sanitize-payload} ({@code true}) or {@code skip-sanitize-payload} ({@code false}) flag, or null. */
    private final Boolean sanitizePayload;

    private User(String name, boolean enabled, boolean nopass, List<String> passwords, boolean allKeys,
                 List<KeyPattern> keys, boolean allChannels, List<String> channels, CommandRules commands,
                 Boolean sanitizePayload) {
        this.sanitizePayload = sanitizePayload;
        this.name = name;
        this.enabled = enabled;
        this.nopass = nopass;
        this.passwords = List.copyOf(passwords);
        this.allKeys = allKeys;
        this.keys = List.copyOf(keys);
        this.allChannels = allChannels;
        this.channels = List.copyOf(channels);
        this.commands = commands;
    }

    /**
     * A new user without any right, as ACL SETUSER creates one: off, no password, no keys, no
     * channels (Redis 7's {@code acl-pubsub-default resetchannels}), no commands.
     *
     * @throws AclException if the name has spaces or is empty
     */
    public static User named(String name) {
        if (name.isEmpty() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0)) {
            throw new AclException(null, "Usernames can't contain spaces or null characters");
        }
        return new User(name, false, false, List.of(), false, List.of(), false, List.of(), CommandRules.NONE, null);
    }

    /** The {@code default} user of a server without a password: {@code on nopass ~* &* +@all}. */
    public static User defaultUser() {
        return named("default").apply(List.of("on", "nopass", "~*", "&*", "+@all"));
    }

    /** This user with {@code rules} applied in order. @throws AclException naming the first rule that fails */
    public User apply(List<String> rules) {
        Builder builder = new Builder(this);
        for (String rule : rules) {
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

    public boolean allKeys() {
        return allKeys;
    }

    public List<KeyPattern> keys() {
        return keys;
    }

    public boolean allChannels() {
        return allChannels;
    }

    public List<String> channels() {
        return channels;
    }

    CommandRules commands() {
        return commands;
    }

    /** True if this user may run anything on any key and channel (the check can be skipped). */
    public boolean unrestricted() {
        return allKeys && allChannels && commands.allowsEverything();
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

    /** GETUSER's {@code keys}: {@code ~*} or the patterns, space separated. */
    public String describeKeys() {
        if (allKeys) {
            return "~*";
        }
        List<String> parts = new ArrayList<>();
        keys.forEach(pattern -> parts.add(pattern.describe()));
        return String.join(" ", parts);
    }

    /** GETUSER's {@code channels}: {@code &*} or the patterns, space separated. */
    public String describeChannels() {
        if (allChannels) {
            return "&*";
        }
        List<String> parts = new ArrayList<>();
        channels.forEach(channel -> parts.add("&" + channel));
        return String.join(" ", parts);
    }

    /** GETUSER's {@code commands}: {@code +@all}, {@code -@all +get}. */
    public String describeCommands() {
        return commands.describe();
    }

    /**
     * The rules that make this user from nothing, as ACL LIST and the ACL file write them:
     * {@code on #<hash> ~app:* resetchannels -@all +get}.
     */
    public String describe() {
        StringBuilder text = new StringBuilder(String.join(" ", flags()));
        passwords.forEach(hash -> text.append(" #").append(hash));
        String keyText = describeKeys();
        if (!keyText.isEmpty()) {
            text.append(' ').append(keyText);
        }
        if (allChannels) {
            text.append(" &*");
        }
        else {
            text.append(" resetchannels");
            channels.forEach(channel -> text.append(" &").append(channel));
        }
        return text.append(' ').append(commands.describe()).toString();
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
        private boolean allKeys;
        private final List<KeyPattern> keys;
        private boolean allChannels;
        private final List<String> channels;
        private CommandRules commands;
        private Boolean sanitizePayload;

        Builder(User user) {
            sanitizePayload = user.sanitizePayload;
            name = user.name;
            enabled = user.enabled;
            nopass = user.nopass;
            passwords = new ArrayList<>(user.passwords);
            allKeys = user.allKeys;
            keys = new ArrayList<>(user.keys);
            allChannels = user.allChannels;
            channels = new ArrayList<>(user.channels);
            commands = user.commands;
        }

        User build() {
            return new User(name, enabled, nopass, passwords, allKeys, keys, allChannels, channels, commands,
                    sanitizePayload);
        }

        void apply(String rule) {
            if (rule.isEmpty()) {
                throw AclException.syntax(rule);
            }
            switch (rule.toLowerCase(Locale.ROOT)) {
                case "on" -> enabled = true;
                case "off" -> enabled = false;
                case "nopass" -> {
                    nopass = true;
                    passwords.clear();
                }
                case "resetpass" -> {
                    nopass = false;
                    passwords.clear();
                }
                case "allkeys" -> allKeys();
                case "resetkeys" -> {
                    allKeys = false;
                    keys.clear();
                }
                case "allchannels" -> allChannels();
                case "resetchannels" -> {
                    allChannels = false;
                    channels.clear();
                }
                case "allcommands", "nocommands" -> commands = commands.with(rule);
                case "reset" -> {
                    nopass = false;
                    passwords.clear();
                    allKeys = false;
                    keys.clear();
                    allChannels = false;
                    channels.clear();
                    enabled = false;
                    sanitizePayload = true;
                    commands = CommandRules.NONE;
                }
                case "sanitize-payload" -> sanitizePayload = true;
                case "skip-sanitize-payload" -> sanitizePayload = false;
                case "clearselectors" -> {
                    // kv has no selectors to clear
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
                case '~' -> addKeys(rule, rest, true, true);
                case '%' -> keysWithPermissions(rule);
                case '&' -> addChannel(rule, rest);
                case '+', '-' -> commands = commands.with(rule);
                case '(' -> throw new AclException(rule, "Selectors are not supported by kv");
                default -> throw AclException.syntax(rule);
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

        /** {@code %R~pattern}, {@code %W~pattern}, {@code %RW~pattern}. */
        private void keysWithPermissions(String rule) {
            boolean read = false;
            boolean write = false;
            int i = 1;
            for (; i < rule.length(); i++) {
                char c = Character.toUpperCase(rule.charAt(i));
                if (c == 'R' && !read) {
                    read = true;
                }
                else if (c == 'W' && !write) {
                    write = true;
                }
                else if (c == '~') {
                    break;
                }
                else {
                    throw AclException.syntax(rule);
                }
            }
            if (i >= rule.length() || !(read || write)) {
                throw AclException.syntax(rule);
            }
            addKeys(rule, rule.substring(i + 1), read, write);
        }

        private void addKeys(String rule, String pattern, boolean read, boolean write) {
            if (allKeys) {
                throw new AclException(rule, "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid"
                        + " and does not have any effect. Try 'resetkeys' to start with an empty list of patterns");
            }
            if (pattern.equals("*") && read && write) {
                allKeys();
                return;
            }
            if (hasSpaces(pattern)) {
                throw AclException.syntax(rule);
            }
            for (int i = 0; i < keys.size(); i++) {
                if (keys.get(i).pattern().equals(pattern)) {
                    keys.set(i, keys.get(i).widened(read, write));
                    return;
                }
            }
            keys.add(new KeyPattern(pattern, read, write));
        }

        private void allKeys() {
            allKeys = true;
            keys.clear();
        }

        private void addChannel(String rule, String pattern) {
            if (allChannels) {
                throw new AclException(rule, "Adding a pattern after the * pattern (or the 'allchannels' flag) is not"
                        + " valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels");
            }
            if (pattern.equals("*")) {
                allChannels();
                return;
            }
            if (hasSpaces(pattern)) {
                throw AclException.syntax(rule);
            }
            if (!channels.contains(pattern)) {
                channels.add(pattern);
            }
        }

        private void allChannels() {
            allChannels = true;
            channels.clear();
        }

        private static boolean hasSpaces(String text) {
            return text.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0);
        }
    }
}
