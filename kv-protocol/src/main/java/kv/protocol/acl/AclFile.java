package kv.protocol.acl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's ACL file: one {@code user <name> <rule>...} line per user, blank lines ignored.
 * {@link #parse} is pure: it checks every line and either returns all users or fails with all
 * the errors, in Redis's words and with line numbers, so that nothing is half loaded.
 */
public final class AclFile {

    private AclFile() {
    }

    /**
     * The users {@code text} defines, by name in file order.
     *
     * @param source what the errors name the file as (its path)
     * @throws AclException with every error, as ACL LOAD answers it
     */
    public static Map<String, User> parse(String source, String text) {
        Map<String, User> users = new LinkedHashMap<>();
        StringBuilder errors = new StringBuilder();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            List<String> words = AclRules.split(line);
            if (words.size() < 2 || !words.get(0).equals("user")) {
                errors.append(source).append(':').append(number)
                        .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = words.get(1);
            if (users.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(number)
                        .append(". ");
                continue;
            }
            try {
                users.put(name, User.named(name).apply(words.subList(2, words.size())));
            }
            catch (AclException e) {
                errors.append(source).append(':').append(number).append(": ");
                // As Redis 7.0's ACLLoadFromFile words it: only an unknown command is named
                switch (e.kind()) {
                    case UNKNOWN_COMMAND -> errors.append("Error in applying operation '").append(e.rule())
                            .append("': ").append(e.getMessage()).append(". ");
                    case UNMATCHED_PARENTHESIS -> errors.append("Unmatched parenthesis in selector definition.");
                    case RULE -> errors.append(e.getMessage()).append(". ");
                }
            }
        }
        if (!errors.isEmpty()) {
            errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was performed");
            throw new AclException(null, errors.toString());
        }
        return users;
    }

    /** Reads and parses {@code file}. @throws AclException for a bad line, IOException if unreadable */
    public static Map<String, User> read(Path file) throws IOException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The file's text for {@code users}: one line each, as ACL LIST writes them. */
    public static String format(Collection<User> users) {
        StringBuilder text = new StringBuilder();
        users.forEach(user -> text.append(user).append('\n'));
        return text.toString();
    }

    /** Writes {@code users} to {@code file} through a temporary file renamed over it (never half written). */
    public static void write(Path file, Collection<User> users) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temp, format(users), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally {
            Files.deleteIfExists(temp);
        }
    }

}
