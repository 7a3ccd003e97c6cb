package kv.proxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import kv.protocol.resp.RespValue;
import org.junit.jupiter.api.Test;

class RoleReplyTest {

    private static RespValue bulk(String text) {
        return RespValue.BulkString.of(text);
    }

    @Test
    void aLeadersRoleListsItsFollowersWithTheirIndexesAsRedisWritesThem() {
        RespValue reply = new RespValue.Array(List.of(bulk("master"), new RespValue.Integer(120),
                new RespValue.Array(List.of(
                        new RespValue.Array(List.of(bulk("127.0.0.1"), bulk("7479"), bulk("118"))),
                        new RespValue.Array(List.of(bulk("127.0.0.1"), new RespValue.Integer(7579),
                                new RespValue.Integer(90)))))));
        RoleReply role = RoleReply.parse(reply);
        assertThat(role.leader()).isTrue();
        assertThat(role.appliedIndex()).isEqualTo(120);
        assertThat(role.followers()).containsExactly(new RoleReply.Follower("127.0.0.1:7479", 118),
                new RoleReply.Follower("127.0.0.1:7579", 90));
    }

    @Test
    void aFollowersRoleNamesItsLeader() {
        RoleReply role = RoleReply.parse(new RespValue.Array(List.of(bulk("slave"), bulk("127.0.0.1"),
                new RespValue.Integer(7379), bulk("connected"), new RespValue.Integer(42))));
        assertThat(role.leader()).isFalse();
        assertThat(role.leaderName()).isEqualTo("127.0.0.1:7379");
        assertThat(role.appliedIndex()).isEqualTo(42);
    }

    @Test
    void aFollowerThatKnowsNoLeaderNamesNone() {
        RoleReply role = RoleReply.parse(new RespValue.Array(List.of(bulk("slave"), bulk("?"),
                new RespValue.Integer(0), bulk("connecting"), new RespValue.Integer(-1))));
        assertThat(role.leaderName()).isNull();
    }

    @Test
    void anErrorOrAnotherShapeIsNoRole() {
        assertThat(RoleReply.parse(new RespValue.Error("ERR unknown command 'ROLE'"))).isNull();
        assertThat(RoleReply.parse(new RespValue.Array(List.of(bulk("sentinel"), new RespValue.Array(List.of())))))
                .isNull();
    }
}
