package kv.server;

import static kv.server.testing.ScriptedCommands.encode;
import static kv.server.testing.ScriptedCommands.words;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.protocol.resp.RespValue;
import kv.server.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Users, AUTH, HELLO AUTH, permissions and the ACL commands played against kv-server and Debian's
 * redis-server started with the same ACL file: every reply must be the same RESP value. A line
 * {@code alice: GET k} sends the command on the connection named {@code alice} (opened on first
 * use) to both and compares the replies; {@code => closed} expects both to close the connection.
 * ACL LOG entries are compared with their age and client line left out; ACL CAT's commands as a
 * set (Redis lists them in its hash table's order), and so are the words of ACL LIST's and
 * GETUSER's rules: Redis 7.0 writes a user's single commands in that order too (kv in the order
 * given, see kv.protocol.acl.CommandRules).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class AclParityTest extends RunningServerTest {

    static final String USERS = """
            user default on >adminpw ~* &* +@all
            user alice on >secret ~app:* %R~ro:* &ch* -@all +get +set +publish +subscribe +multi +exec
            user bob off >bobpw ~* &* +@all
            user carol on nopass ~* resetchannels -@all +@string -append
            user erin on >erinpw ~* &* +@all
            """;

    static final Path KV_FILE = aclFile("kv");
    static final Path REDIS_FILE = aclFile("redis");
    static RedisServerProcess redis;

    @Autowired
    RespServerConnectionFactory connectionFactory;

    final Map<String, RawConnection[]> clients = new LinkedHashMap<>();

    static Path aclFile(String name) {
        try {
            Path file = Files.createTempDirectory("acl-parity").resolve(name + ".acl");
            Files.writeString(file, USERS);
            return file;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void users(DynamicPropertyRegistry registry) {
        registry.add("kv.server.acl-file", KV_FILE::toString);
    }

    @BeforeAll
    static void startRedis() throws IOException {
        redis = RedisServerProcess.start(List.of("--aclfile", REDIS_FILE.toString()));
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void disconnect() throws IOException {
        for (RawConnection[] pair : clients.values()) {
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void aClientMustAuthenticateBeforeAnythingButAuthAndHello() throws IOException {
        script("""
                anon: PING
                anon: GET x
                anon: FOO bar
                anon: GET
                anon: AUTH
                anon: AUTH a b c
                anon: AUTH wrong
                anon: AUTH default wrong
                anon: AUTH nobody adminpw
                anon: HELLO 3 AUTH default wrong
                anon: HELLO 2
                anon: HELLO 4 AUTH default adminpw
                anon: HELLO 3 AUTH default adminpw SETNAME "a b"
                anon: PING
                anon: AUTH adminpw
                anon: ACL WHOAMI
                anon: PING
                hello: HELLO 3 AUTH alice secret => skip
                hello: ACL WHOAMI
                hello: GET app:1
                disabled: AUTH bob bobpw
                disabled: PING
                nopass: AUTH carol anything
                nopass: APPEND x y
                """);
    }

    @Test
    void aUserRunsOnlyItsCommandsOnItsKeysAndChannels() throws IOException {
        script("""
                alice: AUTH alice secret
                alice: SET app:1 v
                alice: GET app:1
                alice: GET ro:1
                alice: SET ro:1 v
                alice: SET other v
                alice: GET other
                alice: INCR app:1
                alice: ACL WHOAMI
                alice: CLIENT LIST
                alice: PUBLISH ch1 m
                alice: PUBLISH other m
                alice: SUBSCRIBE ch1 other
                alice: MULTI
                alice: SET app:2 x
                alice: GET secret
                alice: INCR app:2
                alice: EXEC
                alice: GET app:2
                alice: EXEC
                carol: AUTH carol x
                carol: SET s 1
                carol: APPEND s 2
                carol: HSET h f v
                """);
    }

    @Test
    void aclLogRecordsRefusalsAndFailedLogins() throws IOException {
        script("""
                admin: AUTH adminpw
                admin: ACL LOG RESET
                alice: AUTH alice wrong
                alice: AUTH alice wrong
                alice: AUTH alice secret
                alice: GET other
                alice: GET other
                alice: INCR app:1
                alice: PUBLISH nope m
                alice: MULTI
                alice: GET other
                alice: DISCARD
                other: HELLO 3 AUTH nobody pw
                admin: ACL LOG
                admin: ACL LOG 2
                admin: ACL LOG x
                admin: ACL LOG RESET
                admin: ACL LOG
                """);
    }

    @Test
    void aclCommandsManageUsers() throws IOException {
        script("""
                admin: AUTH adminpw
                admin: ACL USERS
                admin: ACL LIST
                admin: ACL GETUSER carol
                admin: ACL GETUSER nobody
                admin: ACL SETUSER dave on >x ~d:* %W~w:* &news.* +@read
                admin: ACL GETUSER dave
                admin: ACL SETUSER dave bogus
                admin: ACL SETUSER dave #abc
                admin: ACL SETUSER dave +nosuch
                admin: ACL SETUSER dave +@nosuch
                admin: ACL SETUSER dave <nope
                admin: ACL SETUSER dave !0000000000000000000000000000000000000000000000000000000000000000
                admin: ACL SETUSER dave %Z~x
                admin: ACL SETUSER dave allkeys ~more
                admin: ACL SETUSER dave allchannels &more
                admin: ACL SETUSER "a b" on
                admin: ACL SETUSER dave reset
                admin: ACL GETUSER dave
                admin: ACL SETUSER dave on nopass allkeys allchannels allcommands
                admin: ACL GETUSER dave
                admin: ACL SETUSER dave resetkeys resetchannels nocommands +get -get +client|list
                admin: ACL GETUSER dave
                admin: ACL LIST
                admin: ACL DELUSER default
                admin: ACL DELUSER dave nosuch
                admin: ACL DELUSER
                admin: ACL USERS
                admin: ACL DRYRUN alice GET app:1
                admin: ACL DRYRUN alice GET other
                admin: ACL DRYRUN alice SET ro:1 v
                admin: ACL DRYRUN alice INCR app:1
                admin: ACL DRYRUN alice PUBLISH other m
                admin: ACL DRYRUN alice GET
                admin: ACL DRYRUN alice NOSUCH x
                admin: ACL DRYRUN nobody GET x
                admin: ACL CAT
                admin: ACL CAT nosuch
                admin: ACL GENPASS 0
                admin: ACL GENPASS 5000
                admin: ACL GENPASS x
                admin: ACL WHOAMI extra
                admin: ACL NOSUCH
                admin: ACL HELP
                admin: ACL SAVE extra
                admin: CLIENT KILL USER nobody
                """);
        RawConnection[] admin = connection("admin");
        for (RawConnection side : admin) {
            RespValue pass = side.send(encode(words("ACL GENPASS 5"))).read();
            assertThat(((RespValue.BulkString) pass).asString()).hasSize(2);
        }
        assertThat(readString(admin[0], "ACL GENPASS")).matches("[0-9a-f]{64}");
    }

    @Test
    void deletingAUserClosesItsConnections() throws IOException {
        script("""
                erin: AUTH erin erinpw
                erin: PING
                admin: AUTH adminpw
                admin: ACL DELUSER erin
                admin: PING
                """);
        RawConnection[] erin = connection("erin");
        assertThat(erin[1].read()).as("redis closed erin's connection").isNull();
        assertThat(erin[0].read()).as("kv closed erin's connection").isNull();
        clients.remove("erin");
        script("""
                self: AUTH adminpw
                self: ACL SETUSER frank on >f ~* +@all
                self: AUTH frank f
                self: ACL DELUSER frank
                """);
        RawConnection[] self = connection("self");
        assertThat(self[1].read()).isNull();
        assertThat(self[0].read()).isNull();
        clients.remove("self");
    }

    /**
     * CONFIG SET requirepass changes the default user's password at once, as in Redis; clients
     * already logged in stay so. CONFIG GET requirepass differs on purpose: kv shows it masked.
     */
    @Test
    void configSetRequirepassChangesTheDefaultUsersPasswordAndKeepsLoggedInClients() throws IOException {
        try {
            script("""
                    admin: AUTH adminpw
                    other: AUTH adminpw
                    admin: CONFIG SET requirepass newpw
                    other: PING
                    fresh: PING
                    fresh: AUTH adminpw
                    fresh: AUTH newpw
                    admin: ACL GETUSER default
                    admin: CONFIG SET requirepass ""
                    nopass: PING
                    nopass: ACL WHOAMI
                    admin: ACL GETUSER default
                    """);
            assertThat(connection("admin")[0].send(encode(words("CONFIG GET requirepass"))).read().toString())
                    .as("kv's CONFIG GET requirepass, unset").contains("requirepass").doesNotContain("newpw");
            script("admin: CONFIG SET requirepass newpw");
            assertThat(connection("admin")[0].send(encode(words("CONFIG GET requirepass"))).read().toString())
                    .as("kv's CONFIG GET requirepass, set").contains("******").doesNotContain("newpw");
        }
        finally {
            script("""
                    admin: CONFIG SET requirepass adminpw
                    admin: ACL SETUSER default on ~* &* +@all
                    """);
        }
    }

    /** Redis 7.0's selectors: written over several words or one, listed, cleared, and checked as Redis checks them. */
    @Test
    void selectorsAllowMoreAndAreCheckedListedAndClearedAsRedisDoes() throws IOException {
        script("""
                admin: AUTH adminpw
                admin: ACL LOG RESET
                admin: ACL SETUSER sel on >selpw ~app:* &ch1 -@all +get (+set ~write:* &ch2 +publish) "(+mget %R~read:* +set)" (%R~k %W~k +select|0)
                admin: ACL GETUSER sel
                admin: HELLO 3 => skip
                admin: ACL GETUSER sel
                admin: HELLO 2 => skip
                admin: ACL LIST
                admin: ACL SETUSER sel2 (+get
                admin: ACL SETUSER sel2 on off (+get x
                admin: ACL SETUSER sel2 (+nosuch)
                admin: ACL SETUSER sel2 (on)
                admin: ACL SETUSER sel2 (>pw)
                admin: ACL SETUSER sel2 (clearselectors)
                admin: ACL SETUSER sel2 (reset)
                admin: ACL SETUSER sel2 "(+get ~a b)"
                admin: ACL SETUSER sel2 (a)b)
                admin: ACL SETUSER sel2 (allkeys ~x)
                admin: ACL SETUSER sel2 (allchannels &x)
                admin: ACL SETUSER sel2 x)
                admin: ACL SETUSER sel2 ""
                admin: ACL SETUSER sel2 () ( ) "( +get  ~y )" (+get ~x)
                admin: ACL GETUSER sel2
                admin: ACL SETUSER sel2 CLEARSELECTORS (-GET) allkeys ~* (~* &* +@all -@dangerous)
                admin: ACL GETUSER sel2
                admin: ACL SETUSER sel2 reset
                admin: ACL GETUSER sel2
                admin: ACL DRYRUN sel GET app:1
                admin: ACL DRYRUN sel GET write:1
                admin: ACL DRYRUN sel SET write:1 v
                admin: ACL DRYRUN sel SET app:1 v
                admin: ACL DRYRUN sel SET read:1 v
                admin: ACL DRYRUN sel MGET read:1 app:1
                admin: ACL DRYRUN sel MGET app:1 read:1 write:1 x
                admin: ACL DRYRUN sel PUBLISH ch1 m
                admin: ACL DRYRUN sel PUBLISH ch2 m
                admin: ACL DRYRUN sel PUBLISH ch3 m
                admin: ACL DRYRUN sel SELECT 0
                admin: ACL DRYRUN sel SELECT 1
                admin: ACL DRYRUN sel SET k v
                admin: ACL DRYRUN sel SET x v GET
                admin: ACL DRYRUN sel MSET write:1 a app:1 b
                admin: ACL DRYRUN sel SUBSCRIBE ch2 ch1
                sel: AUTH sel selpw
                sel: SET write:1 v
                sel: GET app:1
                sel: SET app:1 v
                sel: MGET x app:1 y
                sel: PUBLISH ch3 m
                sel: PUBLISH ch2 m
                sel: SELECT 0
                sel: PING
                admin: ACL LOG
                admin: ACL DELUSER sel sel2
                """);
    }

    /**
     * ACL SAVE writes the users in Redis's own file format (the same lines as Redis's file, up to
     * the order of a user's single commands), ACL LOAD reads them back; a file with a bad line makes
     * ACL LOAD fail with Redis's error and leaves the users as they were.
     */
    @Test
    void aclSaveWritesRedissFormatAndAclLoadReadsItBackOrChangesNothing() throws IOException {
        try {
            script("""
                    admin: AUTH adminpw
                    admin: ACL SETUSER grace on >gracepw ~g:* %W~w:* &news -@all +@read +set -get (+get ~sel:*) (+mget %R~r:*)
                    admin: ACL SETUSER heidi off nopass
                    admin: ACL SAVE
                    """);
            assertThat(ruleWords(Files.readAllLines(KV_FILE))).as("kv's saved file, beside Redis's")
                    .isEqualTo(ruleWords(Files.readAllLines(REDIS_FILE)));
            assertThat(Files.readString(KV_FILE)).contains("user grace on #" + sha256Hex("gracepw") + " ");
            String edited = Files.readString(KV_FILE).replace("user heidi off", "user heidi on");
            Files.writeString(KV_FILE, edited);
            Files.writeString(REDIS_FILE, Files.readString(REDIS_FILE).replace("user heidi off", "user heidi on"));
            script("""
                    admin: ACL DELUSER grace
                    admin: ACL LOAD
                    admin: ACL LIST
                    admin: ACL GETUSER grace
                    admin: ACL GETUSER heidi
                    """);
            for (Path file : List.of(KV_FILE, REDIS_FILE)) {
                Files.writeString(file, Files.readString(file) + "user ivan on >p +nosuchcommand\n");
            }
            script("""
                    admin: ACL SETUSER judy on >j ~* +@all
                    admin: ACL LOAD
                    admin: ACL LIST
                    """);
            for (Path file : List.of(KV_FILE, REDIS_FILE)) {
                Files.writeString(file, Files.readString(file) + "this is not a user line\n");
            }
            script("""
                    admin: ACL LOAD
                    admin: ACL GETUSER judy
                    admin: ACL GETUSER ivan
                    """);
        }
        finally {
            script("""
                    restore: AUTH adminpw
                    restore: ACL DELUSER grace heidi judy
                    restore: ACL SAVE
                    """);
        }
    }

    /** Each bulk string (ACL LIST's lines, GETUSER's rules, its selectors' too) with its rules sorted within each selector. */
    private static RespValue rulesSorted(RespValue value) {
        if (value instanceof RespValue.BulkString bulk) {
            return RespValue.BulkString.of(sortedWithinSelectors(bulk.asString()));
        }
        List<RespValue> elements = value instanceof RespValue.Array array ? array.elements()
                : value instanceof RespValue.Map map ? map.keysAndValues() : null;
        if (elements == null) {
            return value;
        }
        List<RespValue> sorted = new ArrayList<>();
        elements.forEach(each -> sorted.add(rulesSorted(each)));
        return new RespValue.Array(sorted); // a RESP3 map compared as its keys and values in order
    }

    /** {@code "b a (d c) (f e)"} as {@code "a b (c d) (e f)"}: each selector's words sorted, the selectors kept in order. */
    static String sortedWithinSelectors(String rules) {
        List<String> groups = new ArrayList<>();
        int depth = 0;
        StringBuilder group = new StringBuilder();
        for (char c : rules.toCharArray()) {
            if (c == '(' && depth++ == 0 || c == ')' && --depth == 0) {
                groups.add(sortedWords(group.toString()));
                group.setLength(0);
            }
            else {
                group.append(c);
            }
        }
        groups.add(sortedWords(group.toString()));
        return String.join(" | ", groups);
    }

    private static String sortedWords(String text) {
        List<String> words = new ArrayList<>(List.of(text.strip().split(" ")));
        java.util.Collections.sort(words);
        return String.join(" ", words);
    }

    /** Each line of an ACL file as its words in order, a user's rules sorted (see the class note). */
    private static List<String> ruleWords(List<String> lines) {
        List<String> out = new ArrayList<>();
        lines.forEach(line -> out.add(sortedWithinSelectors(line)));
        java.util.Collections.sort(out);
        return out;
    }

    private static String sha256Hex(String password) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void redisCliLogsInWithUserAndPassword() throws Exception {
        Path cli = Path.of("/usr/bin/redis-cli");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(cli), "redis-cli is not installed");
        assertThat(redisCli(cli, "secret", "PUBLISH", "ch1", "m")).isEqualTo("0");
        assertThat(redisCli(cli, "secret", "SET", "app:cli", "v")).isEqualTo("OK");
        assertThat(redisCli(cli, "secret", "GET", "other"))
                .isEqualTo("NOPERM this user has no permissions to access one of the keys used as arguments");
        assertThat(redisCli(cli, "wrong", "PING"))
                .isEqualTo("AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n"
                        + "NOAUTH Authentication required."); // redis-cli goes on and sends the command
    }

    private String redisCli(Path cli, String password, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(cli.toString(), "-p", Integer.toString(connectionFactory.getPort()),
                "--user", "alice", "--pass", password, "--no-auth-warning"));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        assertThat(process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    private static String readString(RawConnection connection, String command) throws IOException {
        return ((RespValue.BulkString) connection.send(encode(words(command))).read()).asString();
    }

    private RawConnection[] connection(String name) throws IOException {
        RawConnection[] pair = clients.get(name);
        if (pair == null) {
            pair = new RawConnection[] {new RawConnection(connectionFactory.getPort()), new RawConnection(redis.port())};
            clients.put(name, pair);
        }
        return pair;
    }

    private void script(String lines) throws IOException {
        for (String line : lines.strip().split("\n")) {
            line = line.strip();
            int colon = line.indexOf(": ");
            String name = line.substring(0, colon);
            String command = line.substring(colon + 2);
            boolean skip = command.endsWith(" => skip");
            if (skip) {
                command = command.substring(0, command.length() - " => skip".length());
            }
            RawConnection[] pair = connection(name);
            byte[] bytes = encode(words(command));
            pair[1].send(bytes);
            pair[0].send(bytes);
            RespValue expected = pair[1].read();
            RespValue actual = pair[0].read();
            if (!skip) {
                assertThat(normalized(line, actual)).as(line).isEqualTo(normalized(line, expected));
            }
        }
    }

    /**
     * What may differ: ACL LOG's ages and client lines, CLIENT LIST's fields other than the user
     * and command, ACL CAT's order.
     */
    private static RespValue normalized(String line, RespValue value) {
        if (line.contains("ACL CAT") && value instanceof RespValue.Array array) {
            List<RespValue> sorted = new ArrayList<>(array.elements());
            sorted.sort(java.util.Comparator.comparing(Object::toString));
            return new RespValue.Array(sorted);
        }
        if (line.contains("ACL LOG") && value instanceof RespValue.Array array) {
            List<RespValue> entries = new ArrayList<>();
            for (RespValue entry : array.elements()) {
                List<RespValue> fields = new ArrayList<>(entry instanceof RespValue.Map map ? map.keysAndValues()
                        : ((RespValue.Array) entry).elements());
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    String field = ((RespValue.BulkString) fields.get(i)).asString();
                    if (field.equals("age-seconds") || field.equals("client-info")) {
                        fields.set(i + 1, RespValue.BulkString.of("(differs)"));
                    }
                }
                entries.add(new RespValue.Array(fields));
            }
            return new RespValue.Array(entries);
        }
        if (line.contains("ACL LIST") || line.contains("ACL GETUSER")) {
            return rulesSorted(value);
        }
        if (line.contains("ACL LOAD") && value instanceof RespValue.Error error) {
            return new RespValue.Error(error.message().replaceAll("/\\S+\\.acl:", "FILE:")); // each has its own file
        }
        if (value instanceof RespValue.BulkString bulk && bulk.asString().startsWith("id=")) {
            List<String> kept = new ArrayList<>();
            for (String field : bulk.asString().strip().split(" ")) {
                if (field.matches("(cmd|user)=.*")) {
                    kept.add(field);
                }
            }
            return RespValue.BulkString.of(String.join(" ", kept));
        }
        return value;
    }
}
