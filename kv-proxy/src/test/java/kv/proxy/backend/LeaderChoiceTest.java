package kv.proxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kv.proxy.config.BackendAddress;
import org.junit.jupiter.api.Test;

/** {@link LeaderFinder#choose}: which member the members' ROLE answers show as the leader. */
class LeaderChoiceTest {

    private final GroupMember a = member(7379);
    private final GroupMember b = member(7479);
    private final GroupMember c = member(7579);

    private static GroupMember member(int port) {
        return new GroupMember(new BackendAddress("127.0.0.1", port), null, null, null);
    }

    private static RoleReply leader() {
        return new RoleReply(true, null, 10, List.of());
    }

    private static RoleReply follower(GroupMember of) {
        return new RoleReply(false, of == null ? null : of.name(), 9, List.of());
    }

    private Map<GroupMember, RoleReply> answers(RoleReply ofA, RoleReply ofB, RoleReply ofC) {
        Map<GroupMember, RoleReply> answers = new LinkedHashMap<>();
        answers.put(a, ofA);
        answers.put(b, ofB);
        answers.put(c, ofC);
        return answers;
    }

    @Test
    void theOneMemberClaimingToLeadIsTheLeaderWhateverTheOthersStillSay() {
        assertThat(LeaderFinder.choose(answers(follower(b), leader(), follower(b)))).isSameAs(b);
        // Followers still pointing at a dead leader, one promoted: the promoted one.
        assertThat(LeaderFinder.choose(answers(null, follower(a), leader()))).isSameAs(c);
    }

    @Test
    void noMemberClaimingToLeadIsNoLeaderYet() {
        assertThat(LeaderFinder.choose(answers(follower(b), null, follower(b)))).isNull();
        assertThat(LeaderFinder.choose(answers(null, null, null))).isNull();
    }

    @Test
    void ofTwoClaimingToLeadTheOneTheFollowersNameWins() {
        assertThat(LeaderFinder.choose(answers(leader(), leader(), follower(b)))).isSameAs(b);
    }

    @Test
    void twoClaimingToLeadThatNoFollowerTellsApartAreNoAnswerYet() {
        assertThat(LeaderFinder.choose(answers(leader(), leader(), null))).isNull();
    }
}
