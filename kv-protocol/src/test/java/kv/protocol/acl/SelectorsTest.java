package kv.protocol.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import kv.protocol.command.CommandTable;
import kv.protocol.resp.Request;
import org.junit.jupiter.api.Test;

/**
 * Redis 7.0's selectors {@code (...)}: how they are written, listed and cleared, and that a command
 * runs if one selector allows it whole. The expected denials are what redis-server 7.0.15's ACL
 * DRYRUN answered for the same user.
 */
class SelectorsTest {

    private final User carl = User.named("carl").apply("on", "nopass", "~app:*", "&ch1", "+get",
            "(+set ~write:* &ch2 +publish)", "(+mget", "%R~read:*", "+set)", "(%R~k %W~k +select|0)");

    @Test
    void aSelectorGivenOverSeveralWordsIsJoinedAndListedInParentheses() {
        assertThat(carl.toString()).isEqualTo("user carl on nopass ~app:* resetchannels &ch1 -@all +get"
                + " (~write:* resetchannels &ch2 -@all +set +publish) (%R~read:* resetchannels -@all +mget +set)"
                + " (~k resetchannels -@all +select|0)");
        assertThat(carl.selectors()).hasSize(3);
        assertThat(carl.selectors().get(1).describeKeys()).isEqualTo("%R~read:*");
        assertThat(AclRules.parse(carl.toString()).toString()).as("read back").isEqualTo(carl.toString());
    }

    @Test
    void aCommandRunsIfOneSelectorAllowsItWithAllItsKeysAndChannels() {
        assertThat(check("GET", "app:1")).isNull();
        assertThat(check("SET", "write:1", "v")).isNull();
        assertThat(check("PUBLISH", "ch2", "m")).isNull();
        assertThat(check("SELECT", "0")).isNull();
        assertThat(check("GET", "write:1")).isEqualTo(new Denial(Denial.Reason.KEY, "write:1"));
        assertThat(check("SET", "app:1", "v")).isEqualTo(new Denial(Denial.Reason.KEY, "app:1"));
        assertThat(check("SELECT", "1")).isEqualTo(new Denial(Denial.Reason.COMMAND, "select"));
        assertThat(check("PING")).isEqualTo(new Denial(Denial.Reason.COMMAND, "ping"));
    }

    @Test
    void whenEverySelectorRefusesAChannelIsNamedBeforeAKeyAndTheLaterKeyBeforeTheEarlier() {
        assertThat(check("PUBLISH", "ch1", "m")).as("the root may not publish, the selector not on ch1")
                .isEqualTo(new Denial(Denial.Reason.CHANNEL, "ch1"));
        assertThat(check("MGET", "read:1", "app:1")).isEqualTo(new Denial(Denial.Reason.KEY, "app:1"));
        assertThat(check("MGET", "app:1", "read:1", "write:1", "x")).isEqualTo(new Denial(Denial.Reason.KEY, "app:1"));
        assertThat(check("SET", "x", "v", "GET")).isEqualTo(new Denial(Denial.Reason.KEY, "x"));
        assertThat(check("MSET", "write:1", "a", "app:1", "b")).isEqualTo(new Denial(Denial.Reason.COMMAND, "mset"));
    }

    @Test
    void clearselectorsAndResetRemoveTheSelectorsButClearselectorsKeepsTheRoot() {
        User cleared = carl.apply("clearselectors");
        assertThat(cleared.selectors()).isEmpty();
        assertThat(cleared.describeCommands()).isEqualTo("-@all +get");
        assertThat(carl.apply("reset").toString()).isEqualTo("user carl off sanitize-payload resetchannels -@all");
        assertThat(carl.apply("CLEARSELECTORS", "(-GET)").toString())
                .endsWith("-@all +get (resetchannels -@all)");
    }

    @Test
    void aRuleInsideASelectorFailsNamingTheWholeSelector() {
        assertReason("(+nosuch)", "(+nosuch)", "Unknown command or category name in ACL");
        assertReason("(on)", "(on)", "Syntax error");
        assertReason("(>pass)", "(>pass)", "Syntax error");
        assertReason("(clearselectors)", "(clearselectors)", "Syntax error");
        assertReason("(a)b)", "(a)b)", "Syntax error");
        assertReason("(+get \"~a b\")", "(+get \"~a b\")", "Syntax error");
        assertReason("(allkeys ~x)", "(allkeys ~x)", "Adding a pattern after the * pattern (or the 'allkeys' flag)"
                + " is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns");
    }

    @Test
    void anOpeningParenthesisWithoutItsCloseIsRefusedNamingTheWordThatOpened() {
        assertThatThrownBy(() -> User.named("u").apply("on", "off", "(+get", "x"))
                .isInstanceOf(AclException.class)
                .hasMessage("Unmatched parenthesis in acl selector starting at '(+get'.")
                .extracting(e -> ((AclException) e).kind()).isEqualTo(AclException.Kind.UNMATCHED_PARENTHESIS);
        assertThatThrownBy(() -> AclFile.parse("f", "user a on (+get ~x) (+get\n"))
                .hasMessageStartingWith("f:1: Unmatched parenthesis in selector definition.WARNING");
    }

    @Test
    void aSelectorIsSplitAsRedisSplitsItAndOneWhoseQuotesDoNotBalanceIsEmpty() {
        assertThat(User.named("u").apply("( +get  \"~a\" )").selectors().get(0).describe())
                .isEqualTo("~a resetchannels -@all +get");
        assertThat(User.named("u").apply("(+get ~a\"b)").selectors().get(0).describe())
                .isEqualTo("resetchannels -@all");
        assertThat(User.named("u").apply("()", "(", ")").selectors()).hasSize(2);
        assertThat(User.named("u").apply("").toString()).as("an empty rule changes nothing")
                .isEqualTo("user u off resetchannels -@all");
    }

    @Test
    void aSubscriberMayKeepAChannelThatAnySelectorAllows() {
        assertThat(Permissions.channelAllowed(carl, "ch2".getBytes(), false)).isTrue();
        assertThat(Permissions.channelAllowed(carl, "ch1".getBytes(), false)).isTrue();
        assertThat(Permissions.channelAllowed(carl, "ch3".getBytes(), false)).isFalse();
    }

    private void assertReason(String rule, String named, String reason) {
        assertThatThrownBy(() -> User.named("u").apply(List.of(rule))).isInstanceOf(AclException.class)
                .hasMessage(reason).extracting(e -> ((AclException) e).rule()).isEqualTo(named);
    }

    private Denial check(String... words) {
        return Permissions.check(carl, CommandTable.get(words[0].toLowerCase()), Request.of(words));
    }
}
