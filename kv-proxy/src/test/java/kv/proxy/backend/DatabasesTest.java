package kv.proxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import org.junit.jupiter.api.Test;

class DatabasesTest {

    static final Request A = Request.of("GET", "a");
    static final Request B = Request.of("GET", "b");
    static final Request C = Request.of("GET", "c");

    @Test
    void requestsOfDatabaseZeroGoAsTheyAre() {
        Databases.Pipeline pipeline = new Databases.Pipeline();
        assertThat(pipeline.add(0, A)).isEqualTo(0);
        assertThat(pipeline.add(0, B)).isEqualTo(1);
        assertThat(pipeline.requests()).containsExactly(A, B);
    }

    @Test
    void consecutiveRequestsOfOneDatabaseShareTheirSelectAndThePipelineEndsOnDatabaseZero() {
        Databases.Pipeline pipeline = new Databases.Pipeline();
        int a = pipeline.add(3, A);
        int b = pipeline.add(3, B);
        int c = pipeline.add(0, C);
        int a2 = pipeline.add(5, A);
        assertThat(pipeline.requests()).containsExactly(Databases.select(3), A, B, Databases.select(0), C,
                Databases.select(5), A, Databases.select(0));
        assertThat(List.of(a, b, c, a2)).containsExactly(1, 2, 4, 6);
    }

    @Test
    void aRefusedSelectIsTheAnswerOfEveryRequestBehindIt() {
        Databases.Pipeline pipeline = new Databases.Pipeline();
        int a = pipeline.add(20, A);
        int c = pipeline.add(0, C);
        List<RespValue> replies = List.of(Replies.error("ERR DB index is out of range"), Replies.bulk("va"),
                Replies.OK, Replies.bulk("vc"));
        assertThat(pipeline.requests()).hasSize(4);
        assertThat(pipeline.reply(replies, a)).isEqualTo(Replies.error("ERR DB index is out of range"));
        assertThat(pipeline.reply(replies, c)).isEqualTo(Replies.bulk("vc"));
    }
}
