package kv.protocol.acl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the ACL rule parser ({@link AclRules#parse}, what ACL SETUSER and the ACL file read):
 * any line gives a user or an {@link AclException} with Redis's reason, nothing else; and a user,
 * written back as ACL LIST writes it, parses to the same user (written the same way), selectors
 * {@code (...)} included. One exception, Redis's own: a selector's key or channel pattern holding a
 * quote or a parenthesis (only a quoted rule inside a selector makes one) is written bare, and
 * Redis cannot read that back either, so such users are not written back.
 */
public class AclRulesFuzzTest {

    @FuzzTest
    @DictionaryEntries({"user ", "on", "off", ">", "<", "#", "!", "~", "%R~", "%W~", "%RW~", "&", "+@", "-@", "+", "-",
            "|", "allkeys", "allchannels", "allcommands", "nocommands", "resetkeys", "resetchannels", "resetpass",
            "nopass", "reset", "(", ")", "\"", "'", "@all", "@read", "@dangerous", "clearselectors", "(+get ~",
            " (", "select|0"})
    public void aclRulesParseOrFailWithRedisReason(byte[] input) {
        String line = new String(input, StandardCharsets.UTF_8);
        User user;
        try {
            user = AclRules.parse(line);
        }
        catch (AclException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        if (user.selectors().stream().anyMatch(AclRulesFuzzTest::writtenBareOnly)) {
            return;
        }
        String written = user.toString();
        User again = AclRules.parse(written);
        assertThat(again.toString()).as("%s, written back", line).isEqualTo(written);
    }

    private static boolean writtenBareOnly(Selector selector) {
        String patterns = selector.describeKeys() + " " + selector.describeChannels();
        return patterns.chars().anyMatch(c -> c == '"' || c == '\'' || c == '(' || c == ')');
    }
}
