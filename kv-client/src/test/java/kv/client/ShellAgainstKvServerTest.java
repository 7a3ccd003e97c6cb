package kv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import kv.client.command.Outcomes;
import kv.client.shell.CommandRunner;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The shell's commands, run as the interactive shell runs them, against a real kv-server. */
@SpringBootTest(properties = {KvClientApplication.CONFIG_NAME, "kv.client.runner.enabled=false"})
class ShellAgainstKvServerTest {

    @TempDir
    static Path workDir;

    static KvServerProcess server;

    @Autowired
    CommandRunner runner;

    final ShellOutput output = new ShellOutput();

    @DynamicPropertySource
    static void target(DynamicPropertyRegistry registry) throws Exception {
        server = KvServerProcess.start(workDir, KvServers.WITHOUT_THE_SHELL);
        registry.add("kv.client.host", () -> "127.0.0.1");
        registry.add("kv.client.port", server::port);
        registry.add("kv.client.value-width", () -> "20");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void emptyStore() {
        assertThat(run("FLUSHDB")).isEqualTo(Outcomes.OK);
        output.clear();
    }

    private ExitStatus run(String line) {
        return runner.run(line, output.console);
    }

    @Test
    void theAssignmentsTranscriptStoresBothNamesAndDumpListsThem() {
        assertThat(run("PUT Fname = Sayali")).isEqualTo(Outcomes.OK);
        assertThat(run("PUT Lname = Deshmukh")).isEqualTo(Outcomes.OK);
        assertThat(output.out()).isEqualTo("OK\nOK\n");
        output.clear();

        assertThat(run("GET Fname")).isEqualTo(Outcomes.OK);
        assertThat(output.out()).isEqualTo("Sayali\n");
        output.clear();

        assertThat(run("DUMP")).isEqualTo(Outcomes.OK);
        assertThat(output.out()).isEqualTo("""
                KEY    VALUE
                Fname  Sayali
                Lname  Deshmukh
                """);
        assertThat(output.err()).contains("(2 pairs)");
    }

    @Test
    void getSaysTheAnswerCameFromTheServerAndHowLongItTook() {
        run("put Fname Sayali");
        output.clear();
        run("get Fname");
        assertThat(output.err()).matches("\\(from the server, [0-9.]+ m?s\\)\\n");
    }

    @Test
    void getOfAMissingKeyPrintsNil() {
        assertThat(run("GET nobody")).isEqualTo(Outcomes.OK);
        assertThat(output.out()).isEqualTo("(nil)\n");
    }

    @Test
    void commandNamesWorkInAnyCase() {
        run("Put city Pune");
        output.clear();
        run("gEt city");
        run("get city");
        assertThat(output.out()).isEqualTo("Pune\nPune\n");
    }

    @Test
    void quotedValuesWithSpacesAreKeptWhole() {
        run("put greeting \"hello world\"");
        run("put motto = work hard, be kind");
        output.clear();
        run("get greeting");
        run("get motto");
        assertThat(output.out()).isEqualTo("hello world\nwork hard, be kind\n");
    }

    @Test
    void valuesThatLookLikeOptionsAreKeptAsTyped() {
        run("put temperature -5");
        output.clear();
        run("get temperature");
        assertThat(output.out()).isEqualTo("-5\n");
    }

    @Test
    void dumpCutsLongValuesAndFullShowsThemWhole() {
        String longValue = "x".repeat(50);
        run("put long " + longValue);
        output.clear();
        run("dump");
        assertThat(output.out()).contains("long  " + "x".repeat(19) + "…").doesNotContain(longValue);
        assertThat(output.err()).contains("dump --full");
        output.clear();
        run("dump --full");
        assertThat(output.out()).contains("long  " + longValue);
    }

    @Test
    void dumpTakesAPattern() {
        run("put a1 x");
        run("put b1 y");
        output.clear();
        run("dump a*");
        assertThat(output.out()).contains("a1").doesNotContain("b1");
        assertThat(output.err()).contains("(1 pair)");
    }

    @Test
    void dumpOfAnEmptyStoreSaysSo() {
        run("dump");
        assertThat(output.out()).isEqualTo("(empty: no keys)\n");
    }

    @Test
    void delSaysHowManyKeysExisted() {
        run("put a 1");
        output.clear();
        assertThat(run("del a b")).isEqualTo(Outcomes.OK);
        assertThat(output.out()).isEqualTo("(integer) 1\n");
        run("get a");
        assertThat(output.out()).endsWith("(nil)\n");
    }

    @Test
    void anErrorAnswerIsOneLineAndAFailingStatus() {
        assertThat(run("incr counter")).isEqualTo(Outcomes.ERROR_REPLY);
        assertThat(output.err()).startsWith("(error) ERR unknown command").hasLineCount(1);
        assertThat(output.out()).isEmpty();
    }

    @Test
    void aWrongNumberOfArgumentsIsCaughtFromTheCommandTableBeforeSending() {
        assertThat(run("get")).isEqualTo(Outcomes.USAGE);
        assertThat(output.err()).isEqualTo("usage: GET key\n");
    }

    @Test
    void tableCommandsWithoutTheirOwnDisplayArePassedThrough() {
        run("put a 1");
        output.clear();
        run("dbsize");
        run("mget a missing");
        assertThat(output.out()).isEqualTo("(integer) 1\n1) 1\n2) (nil)\n");
    }

    @Test
    void pingAndInfoShowTheServersAnswer() {
        run("ping");
        run("info server");
        assertThat(output.out()).startsWith("PONG\n").contains("# Server").doesNotContain("\r");
    }

    @Test
    void helpListsTheCommandTableAndTheShellsCommands() {
        run("help");
        assertThat(output.out()).contains("PUT key [=] value", "GET key", "DUMP [pattern]", "DEL key [key ...]",
                "CONNECT host:port", "EXIT");
        output.clear();
        run("help get");
        assertThat(output.out()).contains("GET key", "Get the value of a key", "read");
        output.clear();
        run("help dump");
        assertThat(output.out()).contains("DUMP [pattern] [--full]");
    }

    @Test
    void anUnbalancedQuoteIsOneLineNotACommand() {
        assertThat(run("put a \"oops")).isEqualTo(Outcomes.USAGE);
        assertThat(output.err()).isEqualTo("cannot read that line: unbalanced quotes\n");
    }
}
