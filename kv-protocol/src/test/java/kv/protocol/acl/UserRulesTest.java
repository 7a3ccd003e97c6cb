package kv.protocol.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Redis's rule syntax, applied left to right as ACL SETUSER applies it, and described as ACL LIST writes it. */
class UserRulesTest {

    @Test
    void aLineOfTheAclFileDefinesAUserAndIsDescribedBack() {
        User alice = AclRules.parse("user alice on >secret ~app:* %R~ro:* &ch* -@all +@read +set");
        assertThat(alice.toString()).isEqualTo("user alice on #" + Passwords.hash("secret")
                + " ~app:* %R~ro:* resetchannels &ch* -@all +@read +set");
        assertThat(AclRules.parse(alice.toString()).toString()).isEqualTo(alice.toString());
    }

    @Test
    void theDefaultUserWithoutPasswordMayDoEverything() {
        User user = User.defaultUser();
        assertThat(user.toString()).isEqualTo("user default on nopass ~* &* +@all");
        assertThat(user.unrestricted()).isTrue();
    }

    @Test
    void passwordsAreKeptOnlyAsHashesAndCheckedByThem() {
        User user = User.named("u").apply(">one", "#" + Passwords.hash("two"));
        assertThat(user.passwords()).containsExactly(Passwords.hash("one"), Passwords.hash("two"));
        assertThat(user.accepts("one".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(user.accepts("two".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(user.accepts("three".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(user.apply("<one").passwords()).containsExactly(Passwords.hash("two"));
        assertThat(user.apply("nopass").passwords()).isEmpty();
        assertThat(user.apply("resetpass").accepts("one".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(user.toString()).doesNotContain("one", "two");
    }

    @Test
    void aBadRuleFailsWithRedisReasonAndChangesNothing() {
        User user = User.named("u").apply("on");
        assertReason(user, "bogus", "Syntax error");
        assertReason(user, "#abc", "The password hash must be exactly 64 characters and contain only lowercase"
                + " hexadecimal characters");
        assertReason(user, "<nope", "The password you are trying to remove from the user does not exist");
        assertReason(user, "+nosuch", "Unknown command or category name in ACL");
        assertReason(user, "+@nosuch", "Unknown command or category name in ACL");
        assertReason(user, "%Z~x", "Syntax error");
        assertReason(user.apply("allkeys"), "~x", "Adding a pattern after the * pattern (or the 'allkeys' flag)"
                + " is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns");
        assertReason(user, "(+get on)", "Syntax error");
        assertThatThrownBy(() -> user.apply("+get", "bogus")).isInstanceOf(AclException.class);
        assertThat(user.describeCommands()).isEqualTo("-@all");
    }

    @Test
    void aRuleGivenAgainMovesToTheEndAndRulesThatChangeNothingAreLeftOut() {
        User user = User.named("u").apply("+get", "+set", "+get");
        assertThat(user.describeCommands()).isEqualTo("-@all +set +get");
        assertThat(user.apply("-get").describeCommands()).isEqualTo("-@all +set");
        assertThat(User.named("u").apply("+@string", "-append").describeCommands()).isEqualTo("-@all +@string -append");
        assertThat(User.named("u").apply("+@all", "-@dangerous").describeCommands()).isEqualTo("+@all -@dangerous");
    }

    /** Found by AclRulesFuzzTest: "+get" outlived the "+get|x" it was needed beside, and ACL LIST did not read back as written. */
    @Test
    void aRuleNeededOnlyBesideOneThatWentGoesToo() {
        User user = User.named("u").apply("allcommands", "+get|x", "+get");
        assertThat(user.describeCommands()).isEqualTo("+@all");
        assertThat(AclRules.parse(user.toString()).toString()).isEqualTo(user.toString());
    }

    @Test
    void resetTakesEveryRightAway() {
        User user = User.defaultUser().apply("reset");
        assertThat(user.toString()).isEqualTo("user default off sanitize-payload resetchannels -@all");
    }

    @Test
    void theAclFileNamesEveryBadLineWithItsNumber() {
        assertThatThrownBy(() -> AclFile.parse("users.acl", "user a on\n\nfoo\nuser b bogus\nuser a off\n"))
                .isInstanceOf(AclException.class)
                .hasMessage("users.acl:3 should start with user keyword followed by the username. users.acl:4: Syntax"
                        + " error. WARNING: Duplicate user 'a' found on line 5. WARNING: ACL errors detected, no change"
                        + " to the previously active ACL rules was performed");
        assertThat(AclFile.parse("f", "user a on\nuser b off\n")).containsOnlyKeys("a", "b");
    }

    private static void assertReason(User user, String rule, String reason) {
        assertThatThrownBy(() -> user.apply(rule)).isInstanceOf(AclException.class).hasMessage(reason)
                .extracting(e -> ((AclException) e).rule()).isEqualTo(rule);
    }
}
