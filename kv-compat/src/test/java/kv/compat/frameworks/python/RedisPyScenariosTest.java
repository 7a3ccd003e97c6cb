package kv.compat.frameworks.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kv.compat.support.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * redis-py as Debian ships it ({@code python3-redis}, run with {@code /usr/bin/python3}), unchanged:
 * each scenario of {@code redis_py_scenarios.py} against Redis (the control), kv-server and kv-proxy.
 */
class RedisPyScenariosTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final List<String> SCENARIOS = List.of("set_ex", "setex", "incr_expire", "scan_iter", "lock",
            "lock_release", "pipeline", "pipeline_atomic", "pubsub", "hashes");
    private static final String PREFIX = "compat-py-" + Long.toString(System.nanoTime(), 36) + ":";

    static Stream<Arguments> scenarios() {
        return Stream.of(Target.values())
                .flatMap(target -> SCENARIOS.stream().map(scenario -> Arguments.of(target, scenario)));
    }

    @ParameterizedTest(name = "{1} against {0}")
    @MethodSource("scenarios")
    void scenarioHolds(Target target, String scenario) throws IOException, InterruptedException, URISyntaxException {
        assertThat(Files.isExecutable(PYTHON)).as("Debian's python3 at %s", PYTHON).isTrue();
        Path script = Path.of(RedisPyScenariosTest.class.getResource("redis_py_scenarios.py").toURI());
        Process process = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(target.port()),
                scenario, PREFIX + target + ":").redirectErrorStream(true).start();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("%s finished within 60 s; output: %s", scenario, output).isTrue();
        assertThat(output).as("python3-redis is installed").doesNotContain("No module named 'redis'");
        assertThat(process.exitValue()).as("%s against %s:%n%s", scenario, target, output).isZero();
    }
}
