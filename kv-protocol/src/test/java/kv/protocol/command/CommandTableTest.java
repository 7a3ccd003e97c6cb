package kv.protocol.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import kv.protocol.resp.Request;
import org.junit.jupiter.api.Test;

class CommandTableTest {

    @Test
    void everySpecLoadsWithARouteForTheProxy() {
        assertThat(CommandTable.all()).isNotEmpty();
        for (CommandSpec spec : CommandTable.all()) {
            assertThat(spec.kv()).as(spec.name()).isNotNull();
            assertThat(spec.summary()).as(spec.name()).isNotBlank();
            assertThat(spec.group()).as(spec.name()).isNotBlank();
            assertThat(spec.name()).as("lower case").isEqualTo(spec.name().toLowerCase());
        }
    }

    @Test
    void legacyKeyRangeIsDerivedFromTheKeySpecsAsRedisDoes() {
        assertRange("get", 1, 1, 1);
        assertRange("mset", 1, -1, 2);
        assertRange("del", 1, -1, 1);
        assertRange("ping", 0, 0, 0);
    }

    private static void assertRange(String name, int first, int last, int step) {
        CommandSpec spec = CommandTable.get(name);
        assertThat(new int[] {spec.firstKey(), spec.lastKey(), spec.keyStep()}).as(name)
                .containsExactly(first, last, step);
    }

    @Test
    void keysAreFoundByTheKeySpecs() {
        assertThat(keys("mset", "a", "1", "b", "2")).containsExactly("a", "b");
        assertThat(keys("set", "k", "v", "NX", "GET")).containsExactly("k");
        assertThat(keys("del", "a", "b", "c")).containsExactly("a", "b", "c");
        assertThat(keys("ping", "hello")).isEmpty();
    }

    private static List<String> keys(String... words) {
        return CommandTable.get(words[0]).keys(Request.of(words)).stream()
                .map(key -> new String(key, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void oneKeyRequestsAreToldApartFromSeveral() {
        assertThat(CommandTable.get("set").namesOneKey(5)).isTrue();
        assertThat(CommandTable.get("mset").namesOneKey(3)).isTrue();
        assertThat(CommandTable.get("mset").namesOneKey(5)).isFalse();
        assertThat(CommandTable.get("del").namesOneKey(3)).isFalse();
        assertThat(CommandTable.get("ping").namesOneKey(1)).isFalse();
    }

    @Test
    void lookupIgnoresCaseAndAllocatesNoName() {
        assertThat(CommandTable.lookup("GeT".getBytes())).isSameAs(CommandTable.get("get"));
        assertThat(CommandTable.lookup("nosuchcommand".getBytes())).isNull();
        assertThat(CommandTable.lookup(new byte[0])).isNull();
    }

    @Test
    void helpSyntaxIsWrittenFromTheArguments() {
        assertThat(CommandTable.get("get").syntax()).isEqualTo("key");
        assertThat(CommandTable.get("mset").syntax()).isEqualTo("key value [key value ...]");
        assertThat(CommandTable.get("set").syntax()).startsWith("key value [NX|XX] [GET] [EX seconds|PX milliseconds|");
        assertThat(CommandTable.get("client").syntax()).contains("SETNAME connection-name").contains("KVSOURCE ON|OFF");
    }

    @Test
    void subcommandsAreAttachedToTheirContainer() {
        assertThat(CommandTable.get("client").subcommands()).containsKeys("list", "tracking", "kvsource");
        assertThat(CommandTable.get("client").subcommands().get("list").name()).isEqualTo("client|list");
    }

    @Test
    void aSpecWithoutTheProxysRouteIsRefusedNamingTheFile() {
        String json = "{\"NEW\": {\"arity\": 1, \"summary\": \"x\"}}";
        assertThatThrownBy(() -> CommandSpecReader.read("new.json",
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("new.json").hasMessageContaining("\"proxy\"");
    }

    @Test
    void aKeynumSpecFindsTheKeysItCounts() throws Exception {
        String json = """
                {"EVALISH": {"arity": -3, "summary": "x", "group": "scripting",
                  "key_specs": [{"flags": ["RW"], "begin_search": {"index": {"pos": 2}},
                                 "find_keys": {"keynum": {"keynumidx": 0, "firstkey": 1, "step": 1}}}],
                  "kv": {"proxy": "none"}}}""";
        CommandSpec spec = CommandSpecReader.read("evalish.json",
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))).spec();
        assertThat(spec.is(CommandFlag.MOVABLEKEYS)).isTrue();
        assertThat(spec.keys(Request.of("evalish", "script", "2", "a", "b", "arg")))
                .extracting(key -> new String(key, StandardCharsets.UTF_8)).containsExactly("a", "b");
    }
}
