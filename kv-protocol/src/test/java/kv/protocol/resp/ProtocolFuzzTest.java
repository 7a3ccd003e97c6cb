package kv.protocol.resp;

import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import kv.protocol.GlobFuzzTest;
import kv.protocol.acl.AclRulesFuzzTest;

/**
 * The short fuzzing run of {@code mvn verify}: every input goes to each of kv-protocol's fuzz
 * targets (request decoder, reply decoder, inline splitter, glob, ACL rules), so that one JVM fuzzes them all.
 *
 * <p>Design note: Jazzer fuzzes one test per JVM, and starting its agent costs seconds (it scans
 * the class path for hooks), so one fork per target would cost most of a minute. The targets'
 * corpora, seeds and past crashes, are copied together into this test's inputs at build time
 * (see kv-protocol's pom), so they all run here as regression inputs too. {@code bench/fuzz.sh}
 * fuzzes each target on its own for long runs.
 */
class ProtocolFuzzTest {

    private final RequestDecoderFuzzTest requests = new RequestDecoderFuzzTest();
    private final ReplyDecoderFuzzTest replies = new ReplyDecoderFuzzTest();
    private final InlineSplitterFuzzTest inline = new InlineSplitterFuzzTest();
    private final GlobFuzzTest glob = new GlobFuzzTest();
    private final AclRulesFuzzTest aclRules = new AclRulesFuzzTest();

    @FuzzTest
    void anyInputToEveryProtocolTarget(byte[] input) throws IOException {
        requests.requestsDecodeTheSameWhereverTheWireIsCut(input);
        replies.repliesDecodeTheSameWhereverTheWireIsCut(input);
        inline.inlineLinesSplitAsRedisSplitsThem(input);
        glob.globMatchesAsRedisDoes(input);
        aclRules.aclRulesParseOrFailWithRedisReason(input);
    }
}
