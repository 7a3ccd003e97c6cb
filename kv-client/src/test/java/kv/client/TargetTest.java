package kv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import kv.client.connection.Target;
import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void hostAndPortAreReadAsTyped() {
        assertThat(Target.parse("10.0.0.5:7379", "127.0.0.1", 7380)).isEqualTo(new Target("10.0.0.5", 7379));
    }

    @Test
    void aMissingPartKeepsTheCurrentOne() {
        assertThat(Target.parse("kvhost", "127.0.0.1", 7380)).isEqualTo(new Target("kvhost", 7380));
        assertThat(Target.parse(":7379", "127.0.0.1", 7380)).isEqualTo(new Target("127.0.0.1", 7379));
    }

    @Test
    void anIpv6HostGoesInBrackets() {
        Target target = Target.parse("[::1]:7379", "127.0.0.1", 7380);
        assertThat(target).isEqualTo(new Target("::1", 7379));
        assertThat(target).hasToString("[::1]:7379");
    }

    @Test
    void aPortThatIsNotANumberIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Target.parse("host:http", "127.0.0.1", 7380));
        assertThatIllegalArgumentException().isThrownBy(() -> Target.parse("host:0", "127.0.0.1", 7380));
    }
}
