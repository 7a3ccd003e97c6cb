package kv.compat.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import kv.compat.differential.Operation.Comparison;
import kv.compat.support.Reply;
import org.junit.jupiter.api.Test;

/** The judge's own rules: what it lets pass, and that it lets nothing else pass. */
class ReplyComparatorTest {

    @Test
    void aNullBulkStringANullArrayAndARespThreeNullAreThreeDifferentReplies() {
        Reply nullBulk = new Reply('$', null, null);
        Reply nullArray = new Reply('*', null, null);
        Reply resp3Null = new Reply('_', null, null);
        assertThat(difference(Comparison.EXACT, nullBulk, nullArray)).isNotNull();
        assertThat(difference(Comparison.EXACT, nullBulk, resp3Null)).isNotNull();
        assertThat(difference(Comparison.EXACT, nullBulk, new Reply('$', null, null))).isNull();
    }

    @Test
    void anEmptyBulkStringIsNotANullOne() {
        assertThat(difference(Comparison.EXACT, Reply.bulk(new byte[0]), new Reply('$', null, null))).isNotNull();
    }

    @Test
    void ttlsAgreeWithinTheirToleranceOnly() {
        assertThat(difference(Comparison.SECONDS, integer(100), integer(99))).isNull();
        assertThat(difference(Comparison.SECONDS, integer(100), integer(98))).isNotNull();
        assertThat(difference(Comparison.MILLIS, integer(100_000), integer(99_600))).isNull();
        assertThat(difference(Comparison.MILLIS, integer(100_000), integer(98_000))).isNotNull();
    }

    @Test
    void noExpiryAndNoKeyAreAnswersNotTimes() {
        assertThat(difference(Comparison.SECONDS, integer(-1), integer(0))).isNotNull();
        assertThat(difference(Comparison.MILLIS, integer(-2), integer(-1))).isNotNull();
        assertThat(difference(Comparison.MILLIS, integer(0), integer(-1))).isNotNull();
    }

    @Test
    void keysAreComparedAsSetsAndOtherArraysInOrder() {
        Reply ab = Reply.array(List.of(bulk("a"), bulk("b")));
        Reply ba = Reply.array(List.of(bulk("b"), bulk("a")));
        assertThat(difference(Comparison.UNORDERED, ab, ba)).isNull();
        assertThat(difference(Comparison.EXACT, ab, ba)).isNotNull();
        assertThat(difference(Comparison.UNORDERED, ab, Reply.array(List.of(bulk("a"))))).isNotNull();
    }

    @Test
    void anUnknownCommandMayBeWordedDifferentlyButMustNameTheSameCommand() {
        Reply redis = Reply.simple('-', "ERR unknown command 'FOO', with args beginning with: 'k0' ");
        Reply proxy = Reply.simple('-',
                "ERR unknown command 'FOO': kv-proxy forwards only the commands in kv's command table");
        assertThat(difference(Comparison.EXACT, redis, proxy)).isNull();
        assertThat(difference(Comparison.EXACT, redis,
                Reply.simple('-', "ERR unknown command 'BAR': kv-proxy forwards only ..."))).isNotNull();
        assertThat(difference(Comparison.EXACT, redis, Reply.simple('-', "ERR syntax error"))).isNotNull();
    }

    @Test
    void otherErrorsMustBeWordedAsRedisWordsThem() {
        assertThat(difference(Comparison.EXACT, Reply.simple('-', "ERR value is not an integer or out of range"),
                Reply.simple('-', "ERR DB index is out of range"))).isNotNull();
    }

    private static String difference(Comparison comparison, Reply redis, Reply kv) {
        Operation operation = new Operation("TEST", CommandGenerator.bytes("TEST"), comparison, false);
        return ReplyComparator.difference(operation, redis, kv);
    }

    private static Reply integer(long value) {
        return Reply.simple(':', Long.toString(value));
    }

    private static Reply bulk(String text) {
        return Reply.bulk(CommandGenerator.bytes(text)[0]);
    }
}
