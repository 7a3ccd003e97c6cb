package kv.protocol.acl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A service's ACL users, by name (in name order, as ACL LIST shows them), with its ACL LOG and
 * its ACL file. There is always a {@code default} user: new connections start as it, and they
 * are authenticated at once while it is {@code on nopass}. Thread-safe: a user is replaced
 * whole, so a check reads one consistent version of it.
 */
public final class Users {

    public static final String DEFAULT = "default";

    private final ConcurrentSkipListMap<String, User> users = new ConcurrentSkipListMap<>();
    private final AclLog log;
    private final Path aclFile;
    private final LongAdder failedAuths = new LongAdder();
    private volatile boolean requirepassSet;

    private Users(Path aclFile, AclLog log) {
        this.aclFile = aclFile;
        this.log = log;
        users.put(DEFAULT, User.defaultUser());
    }

    /** Users without a password or ACL file: everything works as without ACLs. */
    public static Users open() {
        return new Users(null, new AclLog(System::currentTimeMillis));
    }

    /**
     * The users a service starts with: the {@code default} user with {@code requirepass} as its
     * password if one is given, then the users of {@code aclFile} if one is given (its
     * {@code default} user, if it defines one, replaces the first).
     *
     * @throws AclException if the file has an error (every error with its line number)
     * @throws IOException if the file cannot be read
     */
    public static Users configured(String requirepass, Path aclFile) throws IOException {
        Users users = new Users(aclFile, new AclLog(System::currentTimeMillis));
        if (requirepass != null && !requirepass.isEmpty()) {
            users.requirePass(requirepass);
        }
        if (aclFile != null) {
            if (!Files.exists(aclFile)) {
                throw new IOException("the ACL file " + aclFile + " does not exist");
            }
            users.replaceAll(AclFile.read(aclFile));
        }
        return users;
    }

    /**
     * {@code requirepass} (the setting, or CONFIG SET requirepass): the default user's only
     * password, or none (nopass) if empty, as Redis's {@code ACLUpdateDefaultUserPassword}.
     */
    public void requirePass(String password) {
        users.compute(DEFAULT, (name, user) -> password.isEmpty() ? user.apply("resetpass", "nopass")
                : user.apply("resetpass", ">" + password));
        requirepassSet = !password.isEmpty();
    }

    /**
     * True if {@code requirepass} was last given a password (CONFIG GET requirepass shows it
     * masked): as in Redis, a password given with ACL SETUSER default does not count.
     */
    public boolean requirepassSet() {
        return requirepassSet;
    }

    /** The user named so, or null. */
    public User get(String name) {
        return users.get(name);
    }

    public User defaultUser() {
        return users.get(DEFAULT);
    }

    /** True if a new connection must authenticate: the default user has a password or is off. */
    public boolean authRequired() {
        User user = defaultUser();
        return !user.nopass() || !user.enabled();
    }

    /** Every user, in name order. */
    public Collection<User> all() {
        return users.values();
    }

    /** ACL SETUSER: the user with {@code rules} applied (created if new). @throws AclException changing nothing */
    public User set(String name, List<String> rules) {
        return users.compute(name, (key, user) -> (user == null ? User.named(name) : user).apply(rules));
    }

    /** ACL DELUSER one user; false if there was none. The caller disconnects its clients. */
    public boolean delete(String name) {
        return users.remove(name) != null;
    }

    /**
     * The user that {@code name} and {@code password} authenticate, or null (unknown, off, or a
     * wrong password): the same answer, and about the same time, for each case.
     */
    public User authenticate(String name, byte[] password) {
        User user = users.get(name);
        boolean accepted = user != null && user.accepts(password);
        if (user == null || !user.enabled() || !accepted) {
            failedAuths.increment();
            return null;
        }
        return user;
    }

    /** Failed authentications since start, for a Micrometer counter. */
    public long failedAuths() {
        return failedAuths.sum();
    }

    public AclLog log() {
        return log;
    }

    /** The ACL file, or null if the service has none. */
    public Path aclFile() {
        return aclFile;
    }

    /**
     * ACL LOAD: the file's users replace all users, or, if it has an error, nothing changes.
     * The default user stays as it is if the file does not define it.
     *
     * @return the names of the users that were replaced or removed (their clients must go)
     */
    public java.util.Set<String> load() throws IOException {
        Map<String, User> loaded = AclFile.read(aclFile);
        java.util.Set<String> gone = new java.util.TreeSet<>(users.keySet());
        gone.remove(DEFAULT);
        replaceAll(loaded);
        return gone;
    }

    private void replaceAll(Map<String, User> loaded) {
        User defaultUser = loaded.getOrDefault(DEFAULT, defaultUser());
        users.keySet().removeIf(name -> !name.equals(DEFAULT) && !loaded.containsKey(name));
        users.putAll(loaded);
        users.put(DEFAULT, defaultUser);
    }

    /** ACL SAVE: writes every user to the ACL file. */
    public void save() throws IOException {
        AclFile.write(aclFile, users.values());
    }
}
