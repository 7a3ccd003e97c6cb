package kv.client;

/** Arguments for the kv-servers that the tests start from this module's class path. */
public final class KvServers {

    /**
     * The server's JVM shares our test class path, Spring Shell included; without this its
     * auto-configuration would start a shell inside the server.
     */
    public static final String WITHOUT_THE_SHELL =
            "--spring.autoconfigure.exclude=org.springframework.shell.core.autoconfigure.SpringShellAutoConfiguration";

    private KvServers() {
    }
}
