package kv.protocol.endpoint;

import java.io.IOException;
import java.nio.file.Path;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import kv.protocol.acl.AclException;
import kv.protocol.acl.Users;

/**
 * A service's users and access check from its settings, the same for kv-server and kv-proxy
 * ({@code PREFIX.requirepass}, {@code PREFIX.acl-file}, {@code PREFIX.protected-mode}); failed
 * authentications are counted as {@code kv.auth.failures}.
 */
public final class AccessSetup {

    private AccessSetup() {
    }

    /** The users: the default user's password, or an ACL file; a bad file line fails start-up, naming the setting. */
    public static Users users(String prefix, String requirepass, Path aclFile) throws IOException {
        try {
            return Users.configured(requirepass, aclFile);
        }
        catch (AclException e) {
            throw new IllegalStateException(prefix + ".acl-file " + aclFile + ": " + e.getMessage(), e);
        }
    }

    /** The access check over {@code users} for the clients of {@code registry}, with protected mode as set. */
    public static AccessControl accessControl(String prefix, Users users, ClientRegistry<? extends Client> registry,
                                              MeterRegistry meters, boolean protectedMode, String bind) {
        FunctionCounter.builder("kv.auth.failures", users, Users::failedAuths)
                .description("Failed AUTH and HELLO AUTH attempts").register(meters);
        AccessControl access = new AccessControl(users, registry);
        access.protectedMode(protectedMode, bind, prefix);
        return access;
    }
}
