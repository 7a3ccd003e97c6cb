package kv.protocol.acl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kv.protocol.resp.InlineSplitter;

/**
 * One set of permissions: the commands that may run and the keys and channels they may name.
 * Every user has a root selector (its rules written outside parentheses) and, as in Redis 7.0,
 * any number of further selectors written {@code (+get ~read:*)}: a command may run if one
 * selector allows it whole, the command with all its keys and channels. Immutable.
 */
public final class Selector {

    /** A selector without any right: no commands, no keys, no channels (Redis 7's {@code acl-pubsub-default resetchannels}). */
    static final Selector NONE = new Selector(false, List.of(), false, List.of(), CommandRules.NONE);

    private final boolean allKeys;
    private final List<KeyPattern> keys;
    private final boolean allChannels;
    private final List<String> channels;
    private final CommandRules commands;

    private Selector(boolean allKeys, List<KeyPattern> keys, boolean allChannels, List<String> channels,
                     CommandRules commands) {
        this.allKeys = allKeys;
        this.keys = List.copyOf(keys);
        this.allChannels = allChannels;
        this.channels = List.copyOf(channels);
        this.commands = commands;
    }

    /**
     * The selector a {@code (...)} rule defines. Its rules are split as Redis splits them
     * ({@code sdssplitargs}: spaces, quotes); a text that does not split (an unbalanced quote)
     * gives an empty selector, as in Redis.
     *
     * @throws AclException naming the whole {@code (...)} rule, with the reason of the rule inside that failed
     */
    static Selector parse(String rule) {
        byte[] inner = rule.substring(1, rule.length() - 1).getBytes(StandardCharsets.UTF_8);
        List<byte[]> words = InlineSplitter.splitOrEmpty(inner);
        Builder builder = new Builder(NONE);
        for (byte[] word : words) {
            try {
                builder.apply(new String(word, StandardCharsets.UTF_8));
            }
            catch (AclException e) {
                throw e.forRule(rule);
            }
        }
        return builder.build();
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

    /** True if this selector may run anything on any key and channel. */
    boolean unrestricted() {
        return allKeys && allChannels && commands.allowsEverything();
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

    /** As ACL LIST writes it (inside the parentheses for a selector): {@code ~app:* resetchannels &ch -@all +get}. */
    String describe() {
        StringBuilder text = new StringBuilder();
        String keyText = describeKeys();
        if (!keyText.isEmpty()) {
            text.append(keyText).append(' ');
        }
        if (allChannels) {
            text.append("&* ");
        }
        else {
            text.append("resetchannels ");
            channels.forEach(channel -> text.append('&').append(channel).append(' '));
        }
        return text.append(commands.describe()).toString();
    }

    /** Applies key, channel and command rules to a copy, as Redis's {@code ACLSetSelector}. */
    static final class Builder {

        private boolean allKeys;
        private final List<KeyPattern> keys;
        private boolean allChannels;
        private final List<String> channels;
        private CommandRules commands;

        Builder(Selector selector) {
            allKeys = selector.allKeys;
            keys = new ArrayList<>(selector.keys);
            allChannels = selector.allChannels;
            channels = new ArrayList<>(selector.channels);
            commands = selector.commands;
        }

        Selector build() {
            return new Selector(allKeys, keys, allChannels, channels, commands);
        }

        /** One rule. @throws AclException with Redis's reason; a rule that is not a selector's is a syntax error */
        void apply(String rule) {
            if (rule.isEmpty()) {
                throw AclException.syntax(rule);
            }
            switch (rule.toLowerCase(Locale.ROOT)) {
                case "allkeys", "~*" -> allKeys();
                case "resetkeys" -> {
                    allKeys = false;
                    keys.clear();
                }
                case "allchannels", "&*" -> allChannels();
                case "resetchannels" -> {
                    allChannels = false;
                    channels.clear();
                }
                case "allcommands", "nocommands" -> commands = commands.with(rule);
                default -> applyWithArgument(rule);
            }
        }

        private void applyWithArgument(String rule) {
            switch (rule.charAt(0)) {
                case '~' -> addKeys(rule, rule.substring(1), true, true);
                case '%' -> keysWithPermissions(rule);
                case '&' -> addChannel(rule, rule.substring(1));
                case '+', '-' -> commands = commands.with(rule);
                default -> throw AclException.syntax(rule);
            }
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

        static boolean hasSpaces(String text) {
            return text.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0);
        }
    }
}
