package kv.server;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that run the server in their own Spring context: a fresh data directory per
 * test class. The subclass's {@code @SpringBootTest} sets {@code kv.server.port=0} and whatever
 * else it needs.
 */
abstract class RunningServerTest {

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("kv.server.data-dir", () -> dataDir.toString());
    }
}
