package kv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java kv-client get Fname} as a script would call it: a real client JVM per command
 * against a real kv-server, checking what it prints and its exit code.
 */
class OneShotModeTest {

    @TempDir
    static Path workDir;

    static KvServerProcess server;

    @BeforeAll
    static void startServer() throws IOException {
        server = KvServerProcess.start(workDir, KvServers.WITHOUT_THE_SHELL);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** What a finished client process left behind. */
    record Run(int exitCode, String out, String err) {
    }

    private static Run client(int port, String stdin, String... words) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"),
                "kv.client.KvClientApplication",
                "--kv.client.port=" + port));
        command.addAll(List.of(words));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("NO_COLOR", "1");
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kv-client did not exit within 60 s");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void getPrintsTheValueAloneOnStdoutAndExitsZero() throws Exception {
        assertThat(client(server.port(), "", "put", "Fname", "=", "Sayali").exitCode()).isZero();

        Run get = client(server.port(), "", "get", "Fname");
        assertThat(get.exitCode()).isZero();
        assertThat(get.out()).isEqualTo("Sayali\n");
        assertThat(get.err()).matches("\\(from the server, [0-9.]+ m?s\\)\\n");
    }

    @Test
    void aQuotedValueWithSpacesArrivesAsOneArgument() throws Exception {
        assertThat(client(server.port(), "", "PUT", "greeting", "hello big world").exitCode()).isZero();
        assertThat(client(server.port(), "", "GET", "greeting").out()).isEqualTo("hello big world\n");
    }

    @Test
    void anErrorAnswerExitsOneAndAWrongUsageTwo() throws Exception {
        Run error = client(server.port(), "", "lpush", "x", "1"); // a command kv does not have
        assertThat(error.exitCode()).isEqualTo(1);
        assertThat(error.err()).startsWith("(error) ERR unknown command").hasLineCount(1);

        Run usage = client(server.port(), "", "get");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).isEqualTo("usage: GET key\n");
    }

    @Test
    void whenNothingListensItSaysOneClearLineAndExitsThree() throws Exception {
        int nothingListens = KvServerProcess.freePort();
        Run run = client(nothingListens, "", "get", "x");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("cannot reach kv at 127.0.0.1:" + nothingListens + ": connection refused\n");
    }

    @Test
    void commandsOnStdinRunAsAScript() throws Exception {
        Run run = client(server.port(), """
                # the assignment's session
                PUT Sname = Kulkarni
                GET Sname
                DUMP S*
                """);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("""
                OK
                Kulkarni
                KEY    VALUE
                Sname  Kulkarni
                """);
    }

    @Test
    void aScriptFileRunsEveryLineAndFailsIfOneFailed() throws Exception {
        Path script = workDir.resolve("script.kv");
        Files.writeString(script, "put k1 v1\nbogus\nget k1\n");
        Run run = client(server.port(), "", "-f", script.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("OK\nv1\n");
        assertThat(run.err()).contains("(error) ERR unknown command 'BOGUS'");
    }
}
