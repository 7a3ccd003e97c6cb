package kv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import kv.client.command.Outcomes;
import kv.client.connection.KvConnection;
import kv.client.shell.CommandRunner;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The shell outlives its server: one clear line while it is gone, and it carries on when it is back. */
@SpringBootTest(properties = {KvClientApplication.CONFIG_NAME, "kv.client.runner.enabled=false"})
class ReconnectTest {

    @TempDir
    static Path workDir;

    static KvServerProcess server;

    @Autowired
    CommandRunner runner;

    @Autowired
    KvConnection connection;

    @DynamicPropertySource
    static void target(DynamicPropertyRegistry registry) throws Exception {
        server = KvServerProcess.start(workDir, KvServers.WITHOUT_THE_SHELL);
        registry.add("kv.client.port", server::port);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void theShellSaysOneLineWhileTheServerIsDownAndCarriesOnWhenItIsBack() throws Exception {
        ShellOutput output = new ShellOutput();
        assertThat(runner.run("put Fname = Sayali", output.console)).isEqualTo(Outcomes.OK);

        server.kill();
        output.clear();
        assertThat(runner.run("get Fname", output.console)).isEqualTo(Outcomes.UNREACHABLE);
        assertThat(output.err()).matches("cannot reach kv at 127\\.0\\.0\\.1:" + server.port()
                + ": (connection refused|connection lost)\\n");
        assertThat(output.out()).isEmpty();

        server.start();
        output.clear();
        assertThat(runner.run("get Fname", output.console)).isEqualTo(Outcomes.OK);
        assertThat(output.out()).isEqualTo("Sayali\n");
    }

    @Test
    void connectPointsTheShellAtAnotherPortAndSaysWhatItFound() throws Exception {
        ShellOutput output = new ShellOutput();
        int nothingListens = KvServerProcess.freePort();
        assertThat(runner.run("connect 127.0.0.1:" + nothingListens, output.console)).isEqualTo(Outcomes.UNREACHABLE);
        assertThat(output.err()).isEqualTo("cannot reach kv at 127.0.0.1:" + nothingListens
                + ": connection refused\n");

        output.clear();
        assertThat(runner.run("connect 127.0.0.1:" + server.port(), output.console)).isEqualTo(Outcomes.OK);
        assertThat(output.out()).isEqualTo("connected to 127.0.0.1:" + server.port() + " (kv 7.0.0, RESP3)\n");
        assertThat(connection.server().protocol()).isEqualTo(3);
        assertThat(connection.server().marksSource()).isFalse();
    }
}
