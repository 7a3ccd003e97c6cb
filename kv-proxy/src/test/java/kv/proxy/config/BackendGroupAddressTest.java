package kv.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackendGroupAddressTest {

    @Test
    void aPlainHostAndPortIsAGroupOfOne() {
        BackendGroupAddress group = BackendGroupAddress.valueOf("127.0.0.1:7379");
        assertThat(group.single()).isTrue();
        assertThat(group.members()).containsExactly(new BackendAddress("127.0.0.1", 7379));
        assertThat(group).hasToString("127.0.0.1:7379");
    }

    @Test
    void membersJoinedByABarAreOneGroupInTheirOrder() {
        BackendGroupAddress group = BackendGroupAddress.valueOf("127.0.0.1:7379|127.0.0.1:7479|127.0.0.1:7579");
        assertThat(group.single()).isFalse();
        assertThat(group.members()).extracting(BackendAddress::port).containsExactly(7379, 7479, 7579);
        assertThat(group).hasToString("127.0.0.1:7379|127.0.0.1:7479|127.0.0.1:7579");
    }

    @Test
    void membersMayBeUrisWhoseCredentialsNeverShowInTheName() {
        BackendGroupAddress group = BackendGroupAddress.valueOf("redis://u:pw@kv1:7379|redis://u:pw@kv2:7379");
        assertThat(group.members()).extracting(BackendAddress::password).containsExactly("pw", "pw");
        assertThat(group).hasToString("kv1:7379|kv2:7379");
    }

    @Test
    void defaultCredentialsReachEveryMember() {
        BackendGroupAddress group = BackendGroupAddress.valueOf("a:1|b:2").withDefaultCredentials(null, "pw");
        assertThat(group.members()).extracting(BackendAddress::password).containsExactly("pw", "pw");
    }

    @Test
    void anEmptyMemberOrOneNamedTwiceIsRefusedWithoutShowingAPassword() {
        assertThatThrownBy(() -> BackendGroupAddress.valueOf("a:1||b:2")).hasMessageContaining("host:port|host:port");
        assertThatThrownBy(() -> BackendGroupAddress.valueOf("redis://:secret@a:1|")).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> BackendGroupAddress.valueOf("a:1|a:1")).hasMessageContaining("twice");
    }
}
