package kv.server;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/** As {@link TransactionTest}, on one event loop (the default) and with no value cache: RocksDbStore alone. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"kv.server.port=0", "kv.server.expiry.active=false", "kv.server.cache-size=0"})
@Import(TransactionTest.TestClock.class)
@DirtiesContext
class TransactionUncachedTest extends TransactionTest {
}
