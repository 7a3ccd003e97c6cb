package kv.server;

import org.springframework.boot.test.context.SpringBootTest;

/** As {@link ConditionalSetAcrossLoopsTest}, with no value cache: RocksDbStore alone keeps NX exact. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.io-threads=2", "kv.server.cache-size=0"})
class ConditionalSetAcrossLoopsUncachedTest extends ConditionalSetAcrossLoopsTest {
}
