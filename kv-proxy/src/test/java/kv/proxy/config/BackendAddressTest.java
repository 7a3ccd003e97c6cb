package kv.proxy.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendAddressTest {

    @Test
    void hostColonPortIsPlainWithoutCredentials() {
        assertThat(BackendAddress.valueOf("127.0.0.1:7379"))
                .isEqualTo(new BackendAddress("127.0.0.1", 7379, false, null, null));
    }

    @Test
    void aRedissUriIsTlsWithUserAndPassword() {
        assertThat(BackendAddress.valueOf("rediss://alice:s3cret@kv-1.example:6380"))
                .isEqualTo(new BackendAddress("kv-1.example", 6380, true, "alice", "s3cret"));
    }

    @Test
    void aPasswordAloneOrAfterAnEmptyUserLogsInAsDefault() {
        assertThat(BackendAddress.valueOf("redis://:pw@localhost:7379"))
                .isEqualTo(new BackendAddress("localhost", 7379, false, null, "pw"));
        assertThat(BackendAddress.valueOf("redis://pw@localhost:7379").password()).isEqualTo("pw");
    }

    @Test
    void theDefaultPortIs6379AndSpecialCharactersArePercentDecoded() {
        BackendAddress address = BackendAddress.valueOf("redis://u:p%40ss%3Aw+rd@localhost");
        assertThat(address.port()).isEqualTo(6379);
        assertThat(address.password()).isEqualTo("p@ss:w+rd");
    }

    @Test
    void anIpv6LiteralLosesItsBrackets() {
        assertThat(BackendAddress.valueOf("rediss://[::1]:7379").host()).isEqualTo("::1");
    }

    @Test
    void itsNameNeverShowsTheCredentials() {
        assertThat(BackendAddress.valueOf("rediss://alice:s3cret@localhost:6380")).hasToString("localhost:6380");
    }

    @Test
    void aMalformedUriIsRefusedWithoutQuotingThePassword() {
        assertThatThrownBy(() -> BackendAddress.valueOf("redis://alice:se cret@localhost:1"))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("se cret");
    }

    @Test
    void defaultCredentialsApplyOnlyToBackendsWithoutTheirOwn() {
        assertThat(BackendAddress.valueOf("localhost:1").withDefaultCredentials("bob", "pw"))
                .isEqualTo(new BackendAddress("localhost", 1, false, "bob", "pw"));
        assertThat(BackendAddress.valueOf("redis://:own@localhost:1").withDefaultCredentials("bob", "pw").password())
                .isEqualTo("own");
        assertThat(BackendAddress.valueOf("localhost:1").withDefaultCredentials(null, null).password()).isNull();
    }
}
