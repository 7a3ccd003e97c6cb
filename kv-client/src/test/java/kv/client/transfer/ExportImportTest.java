package kv.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import kv.client.KvServers;
import kv.server.testing.KvServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code kv export} then {@code kv import} into an empty server, as real client JVMs against
 * real kv-servers: the copy is identical (every key, type, byte and absolute expiry time, in
 * every database), and bad lines are reported by number and stop or are skipped as asked.
 */
class ExportImportTest {

    @TempDir
    static Path workDir;

    static KvServerProcess source;
    static KvServerProcess target;

    @BeforeAll
    static void startServers() throws Exception {
        source = KvServerProcess.start(workDir.resolve("source"), KvServers.WITHOUT_THE_SHELL);
        target = KvServerProcess.start(workDir.resolve("target"), KvServers.WITHOUT_THE_SHELL);
    }

    @AfterAll
    static void stopServers() throws Exception {
        source.close();
        target.close();
    }

    @Test
    void anExportImportedIntoAnEmptyServerIsIdenticalKeysTypesBytesExpiryTimesAndDatabases() throws Exception {
        Map<String, String> original;
        try (Jedis jedis = new Jedis("127.0.0.1", source.port(), 20_000)) {
            Keyspaces.load(jedis, 3000, 42);
            original = Keyspaces.read(jedis);
        }
        assertThat(original).hasSizeGreaterThan(2900);
        assertThat(original.values()).anyMatch(v -> v.startsWith("hash ")).anyMatch(v -> v.matches("string [0-9]{13} .*"));

        ClientProcess.Run export = ClientProcess.run(workDir, source.port(), "export", "all.kv");
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(export.err()).contains("exported " + String.format("%,d", original.size()) + " keys");
        assertThat(Files.exists(workDir.resolve("all.kv.part"))).isFalse();

        try (Jedis jedis = new Jedis("127.0.0.1", target.port(), 20_000)) {
            jedis.flushAll();
            ClientProcess.Run imported = ClientProcess.run(workDir, target.port(), "import", "all.kv");
            assertThat(imported.exitCode()).as(imported.toString()).isZero();
            assertThat(imported.err()).contains("imported " + String.format("%,d", original.size()) + " keys", " 0 errors");
            assertThat(Keyspaces.read(jedis)).isEqualTo(original);

            // again: the same state (every write is idempotent)
            assertThat(ClientProcess.run(workDir, target.port(), "import", "all.kv").exitCode()).isZero();
            assertThat(Keyspaces.read(jedis)).isEqualTo(original);
            jedis.flushAll();
        }
    }

    @Test
    void exportMatchWritesOnlyTheKeysMatchingThePattern() throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", source.port(), 20_000)) {
            jedis.select(2);
            jedis.set("user:1", "Sayali");
            jedis.set("user:2", "Deshmukh");
            jedis.set("order:1", "x");
        }
        ClientProcess.Run export = ClientProcess.run(workDir, source.port(), "export", "--match", "user:*", "users.kv");
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(Files.readAllLines(workDir.resolve("users.kv")).stream().filter(l -> !l.startsWith("#")))
                .containsExactlyInAnyOrder("2 string - user:1 Sayali", "2 string - user:2 Deshmukh");
    }

    @Test
    void aBadLineIsReportedByNumberAndAbortsAfterImportingTheLinesBeforeIt() throws Exception {
        Files.writeString(workDir.resolve("bad.kv"), """
                # kv-export 1
                7 string - before "is imported"
                7 strng - typo x
                7 string - after "is not"
                """);
        try (Jedis jedis = new Jedis("127.0.0.1", target.port(), 20_000)) {
            jedis.select(7);
            jedis.flushDB();
            ClientProcess.Run run = ClientProcess.run(workDir, target.port(), "import", "bad.kv");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).contains("bad.kv line 3: the type 'strng' is neither string nor hash",
                    "aborted at line 3: every line before it is imported; nothing after line 2 is");
            assertThat(jedis.get("before")).isEqualTo("is imported");
            assertThat(jedis.exists("after")).isFalse();
        }
    }

    @Test
    void withOnErrorSkipBadLinesAreReportedAndTheRestIsImported() throws Exception {
        Files.writeString(workDir.resolve("skip.kv"), """
                # kv-export 1
                8 string - one 1
                8 hash - odd field-without-value
                8 string 1 long-expired "left out"
                8 string - two "unclosed
                8 string - "three \\x00\\xff" 3
                """);
        try (Jedis jedis = new Jedis("127.0.0.1", target.port(), 20_000)) {
            jedis.select(8);
            jedis.flushDB();
            ClientProcess.Run run = ClientProcess.run(workDir, target.port(), "import", "--on-error", "skip", "skip.kv");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).contains("skip.kv line 3: a hash's fields each need a value",
                    "skip.kv line 5: a quoted word is not closed", "imported 2 keys", "2 errors",
                    "1 keys left out as already expired");
            assertThat(jedis.get("one")).isEqualTo("1");
            assertThat(jedis.get("three \0\u00ff".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo("3".getBytes());
            assertThat(jedis.dbSize()).isEqualTo(2);
        }
    }

    @Test
    void aFileThatIsNotAnExportIsRefusedBeforeAnythingIsWritten() throws Exception {
        Files.writeString(workDir.resolve("notes.txt"), "SET a 1\n");
        ClientProcess.Run run = ClientProcess.run(workDir, target.port(), "import", "notes.txt");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("notes.txt line 1: not a kv export file");
    }
}
