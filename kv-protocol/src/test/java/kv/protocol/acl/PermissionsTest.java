package kv.protocol.acl;

import static org.assertj.core.api.Assertions.assertThat;

import kv.protocol.command.CommandTable;
import kv.protocol.resp.Request;
import org.junit.jupiter.api.Test;

/** The check every dispatcher makes: command, then keys by their key spec's access, then channels. */
class PermissionsTest {

    private final User alice = AclRules.parse("user alice on >pw ~app:* %R~ro:* %W~wo:* &news.* -@all +@read +set"
            + " +publish +subscribe +psubscribe +client|id");

    @Test
    void aCommandNotAllowedIsRefusedByItsFullName() {
        assertThat(check("INCR", "app:1")).isEqualTo(new Denial(Denial.Reason.COMMAND, "incr"));
        assertThat(check("CLIENT", "ID")).isNull();
        assertThat(check("CLIENT", "LIST")).isEqualTo(new Denial(Denial.Reason.COMMAND, "client|list"));
        assertThat(check("AUTH", "x")).as("no_auth commands always run").isNull();
    }

    @Test
    void keysNeedTheAccessTheirKeySpecSays() {
        assertThat(check("GET", "app:1")).isNull();
        assertThat(check("GET", "ro:1")).isNull();
        assertThat(check("SET", "ro:1", "v")).isEqualTo(new Denial(Denial.Reason.KEY, "ro:1"));
        assertThat(check("SET", "wo:1", "v")).isNull();
        assertThat(check("GET", "wo:1")).isEqualTo(new Denial(Denial.Reason.KEY, "wo:1"));
        assertThat(check("MGET", "app:1", "secret")).isEqualTo(new Denial(Denial.Reason.KEY, "secret"));
    }

    @Test
    void channelsAreMatchedAndPatternsMustBeAllowedLiterally() {
        assertThat(check("PUBLISH", "news.tech", "m")).isNull();
        assertThat(check("PUBLISH", "other", "m")).isEqualTo(new Denial(Denial.Reason.CHANNEL, "other"));
        assertThat(check("SUBSCRIBE", "news.a", "news.b")).isNull();
        assertThat(check("PSUBSCRIBE", "news.*")).isNull();
        assertThat(check("PSUBSCRIBE", "news.t*")).isEqualTo(new Denial(Denial.Reason.CHANNEL, "news.t*"));
    }

    @Test
    void aFirstArgumentMayBeAllowedAlone() {
        User user = User.named("u").apply("on", "allkeys", "+select|0");
        assertThat(Permissions.check(user, CommandTable.get("select"), Request.of("SELECT", "0"))).isNull();
        assertThat(Permissions.check(user, CommandTable.get("select"), Request.of("SELECT", "1")))
                .isEqualTo(new Denial(Denial.Reason.COMMAND, "select"));
    }

    private Denial check(String... words) {
        return Permissions.check(alice, CommandTable.get(words[0].toLowerCase()), Request.of(words));
    }
}
