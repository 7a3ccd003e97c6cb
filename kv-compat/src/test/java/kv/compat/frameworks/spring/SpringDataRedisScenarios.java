package kv.compat.frameworks.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import kv.compat.support.Target;
import kv.compat.support.WireConnection;
import kv.proxy.testing.Await;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Spring Cache on {@code RedisCacheManager} and {@code StringRedisTemplate}, unchanged, as an
 * application uses them; one subclass per {@link Target}, Redis's being the control that proves
 * each scenario right.
 */
@SpringBootTest(classes = CacheTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=compat-spring") // not kv-server's application.yml, which is on the classpath
abstract class SpringDataRedisScenarios {

    /** Bounded waits for expiry: well over the TTLs (1-2 s), so a slow machine does not fail them. */
    private static final Duration EXPIRY_DEADLINE = Duration.ofSeconds(8);
    /** An asynchronous cache write lands in milliseconds; this bounds the wait when it never does. */
    private static final Duration STORE_DEADLINE = Duration.ofSeconds(2);

    @Autowired
    private GreetingService greetings;

    @Autowired
    private CacheManager cacheManager;

    @Autowired
    private StringRedisTemplate template;

    @Autowired
    private RedisConnectionFactory connectionFactory;

    /** Points the application at {@code target}; each subclass's {@code @DynamicPropertySource} calls it. */
    static void useTarget(DynamicPropertyRegistry registry, Target target) {
        registry.add("spring.data.redis.host", () -> "127.0.0.1");
        registry.add("spring.data.redis.port", target::port);
        registry.add("spring.data.redis.timeout", () -> "5s");
        registry.add("spring.data.redis.connect-timeout", () -> "5s");
    }

    abstract Target target();

    /**
     * Spring Data Redis writes cache entries asynchronously when the connection can (Lettuce's
     * can), so a scenario waits for an entry to be stored before it expects it to be served.
     */
    @Test
    void cacheableServesTheCachedValueUntilTheEntryTtlEnds() {
        String first = greetings.greet("ada");
        awaitCached("ada");
        assertThat(greetings.greet("ada")).isEqualTo(first);
        assertThat(greetings.greet("ada")).isEqualTo(first);
        String key = GreetingService.cacheKey("ada");
        assertThat(template.getExpire(key, TimeUnit.MILLISECONDS)).as("its TTL in ms")
                .isBetween(1L, CacheTestApplication.ENTRY_TTL.toMillis());

        Await.until("the cache entry to expire", EXPIRY_DEADLINE, () -> !template.hasKey(key));
        assertThat(greetings.greet("ada")).as("computed again after the TTL").isNotEqualTo(first);
    }

    @Test
    void cacheEvictRemovesOneEntryAndNotTheOthers() {
        String ada = greetings.greet("evict-ada");
        String bob = greetings.greet("evict-bob");
        awaitCached("evict-ada", "evict-bob");
        greetings.forget("evict-ada");
        awaitGone("evict-ada"); // evict, like put, may be asynchronous
        assertThat(greetings.greet("evict-ada")).isNotEqualTo(ada);
        assertThat(greetings.greet("evict-bob")).isEqualTo(bob);
    }

    /**
     * {@code @CacheEvict(allEntries = true)} clears the cache after the call, with {@link Cache#clear()},
     * which Spring Data Redis runs asynchronously (KEYS or SCAN, then DEL): the old values go soon,
     * and are never served again once gone.
     */
    @Test
    void cacheEvictAllEntriesServesNoOldValueAgain() {
        String ada = greetings.greet("all-ada");
        String bob = greetings.greet("all-bob");
        awaitCached("all-ada", "all-bob");
        greetings.forgetEveryone();
        awaitGone("all-ada", "all-bob");
        String newAda = greetings.greet("all-ada");
        assertThat(newAda).isNotEqualTo(ada);
        assertThat(greetings.greet("all-bob")).isNotEqualTo(bob);
        awaitCached("all-ada");
        assertThat(greetings.greet("all-ada")).as("cached again").isEqualTo(newAda);
    }

    @Test
    void cacheClearServesNoOldValueAgain() {
        String ada = greetings.greet("clear-ada");
        awaitCached("clear-ada");
        cache().clear();
        awaitGone("clear-ada");
        String newAda = greetings.greet("clear-ada");
        assertThat(newAda).isNotEqualTo(ada);
        awaitCached("clear-ada");
        assertThat(greetings.greet("clear-ada")).as("cached again").isEqualTo(newAda);
    }

    @Test
    void cacheInvalidateServesNoOldValueEvenAtOnce() {
        String ada = greetings.greet("invalidate-ada");
        awaitCached("invalidate-ada");
        cache().invalidate();
        assertThat(cache().get("invalidate-ada")).isNull();
        assertThat(greetings.greet("invalidate-ada")).isNotEqualTo(ada);
    }

    @Test
    void incrementCountsFromNothing() {
        String key = key("counter");
        assertThat(template.opsForValue().increment(key)).isEqualTo(1L);
        assertThat(template.opsForValue().increment(key, 41)).isEqualTo(42L);
        assertThat(template.opsForValue().decrement(key)).isEqualTo(41L);
        assertThat(template.opsForValue().get(key)).isEqualTo("41");
    }

    @Test
    void setIfAbsentWithATimeoutHoldsUntilItExpires() {
        String key = key("lock");
        assertThat(template.opsForValue().setIfAbsent(key, "owner-1", Duration.ofSeconds(1))).isTrue();
        assertThat(template.opsForValue().setIfAbsent(key, "owner-2", Duration.ofSeconds(1))).isFalse();
        assertThat(template.opsForValue().get(key)).isEqualTo("owner-1");
        assertThat(template.getExpire(key, TimeUnit.MILLISECONDS)).isBetween(1L, 1000L);

        Await.until("the lock to expire", EXPIRY_DEADLINE, () -> !template.hasKey(key));
        assertThat(template.opsForValue().setIfAbsent(key, "owner-2", Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void expireAndGetExpire() {
        String key = key("expiring");
        template.opsForValue().set(key, "v");
        assertThat(template.getExpire(key)).as("no TTL yet").isEqualTo(-1L);
        assertThat(template.expire(key, Duration.ofSeconds(2))).isTrue();
        assertThat(template.getExpire(key)).isBetween(1L, 2L);
        assertThat(template.getExpire(key, TimeUnit.MILLISECONDS)).isBetween(1L, 2000L);
        assertThat(template.getExpire(key("missing"))).as("no such key").isEqualTo(-2L);

        Await.until("the key to expire", EXPIRY_DEADLINE, () -> template.opsForValue().get(key) == null);
        assertThat(template.expire(key, Duration.ofSeconds(2))).as("expire on a gone key").isFalse();
    }

    @Test
    void keysFindsTheKeysMatchingAPattern() {
        String prefix = key("keys:");
        template.opsForValue().set(prefix + "a", "1");
        template.opsForValue().set(prefix + "b", "2");
        template.opsForValue().set(key("other"), "3");
        assertThat(template.keys(prefix + "*")).containsExactlyInAnyOrder(prefix + "a", prefix + "b");
    }

    @Test
    void scanVisitsEveryMatchingKey() {
        String prefix = key("scan:");
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            template.opsForValue().set(prefix + i, Integer.toString(i));
            written.add(prefix + i);
        }
        Set<String> scanned = new HashSet<>();
        try (Cursor<String> cursor = template.scan(ScanOptions.scanOptions().match(prefix + "*").count(4).build())) {
            cursor.forEachRemaining(scanned::add);
        }
        assertThat(scanned).isEqualTo(written);
    }

    @Test
    void aNonZeroDatabaseIsSeparateFromDatabaseZero() {
        RedisStandaloneConfiguration database3 = new RedisStandaloneConfiguration("127.0.0.1", target().port());
        database3.setDatabase(3);
        LettuceConnectionFactory factory = new LettuceConnectionFactory(database3);
        factory.afterPropertiesSet();
        factory.start();
        try {
            StringRedisTemplate inDatabase3 = new StringRedisTemplate(factory);
            String key = key("db3");
            inDatabase3.opsForValue().set(key, "in 3");
            assertThat(inDatabase3.opsForValue().get(key)).isEqualTo("in 3");
            assertThat(template.opsForValue().get(key)).as("the same key in database 0").isNull();
            template.opsForValue().set(key, "in 0");
            assertThat(inDatabase3.opsForValue().get(key)).isEqualTo("in 3");
            inDatabase3.delete(key);
            assertThat(template.opsForValue().get(key)).isEqualTo("in 0");
        }
        finally {
            factory.destroy();
        }
    }

    /** {@code SessionCallback} with {@code multi}/{@code exec}: every queued write applied, EXEC's replies converted. */
    @Test
    void sessionCallbackRunsMultiExecAsOneTransaction() {
        String a = key("tx:a");
        String b = key("tx:b");
        template.opsForValue().set(b, "41");
        List<Object> results = template.execute(new SessionCallback<List<Object>>() {
            @Override
            @SuppressWarnings("unchecked")
            public <K, V> List<Object> execute(RedisOperations<K, V> operations) throws DataAccessException {
                RedisOperations<String, String> ops = (RedisOperations<String, String>) operations;
                ops.multi();
                ops.opsForValue().set(a, "1");
                ops.opsForValue().increment(b);
                ops.opsForValue().get(a);
                return ops.exec();
            }
        });
        assertThat(results).containsExactly(true, 42L, "1");
        assertThat(template.opsForValue().get(a)).isEqualTo("1");
        assertThat(template.opsForValue().get(b)).isEqualTo("42");
    }

    /**
     * {@code watch}, a write by another client, then {@code multi}/{@code exec}: the transaction does
     * not run (Spring Data Redis answers an empty list for EXEC's null reply) and the other write stays.
     */
    @Test
    void sessionCallbackWithWatchDoesNotRunWhenTheWatchedKeyChanged() throws IOException {
        String key = key("watched");
        template.opsForValue().set(key, "before");
        try (WireConnection other = new WireConnection(target().port())) {
            List<Object> results = template.execute(new SessionCallback<List<Object>>() {
                @Override
                @SuppressWarnings("unchecked")
                public <K, V> List<Object> execute(RedisOperations<K, V> operations) throws DataAccessException {
                    RedisOperations<String, String> ops = (RedisOperations<String, String>) operations;
                    ops.watch(key);
                    String seen = ops.opsForValue().get(key);
                    call(other, "SET", key, "by another client");
                    ops.multi();
                    ops.opsForValue().set(key, seen + " and mine");
                    return ops.exec();
                }
            });
            assertThat(results).as("EXEC after the watched key changed").isEmpty();
        }
        assertThat(template.opsForValue().get(key)).isEqualTo("by another client");

        List<Object> unchanged = template.execute(new SessionCallback<List<Object>>() {
            @Override
            @SuppressWarnings("unchecked")
            public <K, V> List<Object> execute(RedisOperations<K, V> operations) throws DataAccessException {
                RedisOperations<String, String> ops = (RedisOperations<String, String>) operations;
                ops.watch(key);
                ops.multi();
                ops.opsForValue().set(key, "mine");
                return ops.exec();
            }
        });
        assertThat(unchanged).as("EXEC when nobody changed the watched key").containsExactly(true);
        assertThat(template.opsForValue().get(key)).isEqualTo("mine");
    }

    /** {@code DefaultRedisScript} from a Lua file (a compare-and-delete), run by EVALSHA with EVAL as its fallback. */
    @Test
    void redisScriptComparesAndDeletes() {
        DefaultRedisScript<Long> compareAndDelete = new DefaultRedisScript<>();
        compareAndDelete.setLocation(new ClassPathResource("kv/compat/frameworks/spring/compare-and-delete.lua"));
        compareAndDelete.setResultType(Long.class);
        String key = key("script-lock");
        template.opsForValue().set(key, "owner-1");
        assertThat(template.execute(compareAndDelete, List.of(key), "owner-2")).as("another owner").isEqualTo(0L);
        assertThat(template.opsForValue().get(key)).isEqualTo("owner-1");
        assertThat(template.execute(compareAndDelete, List.of(key), "owner-1")).as("the owner").isEqualTo(1L);
        assertThat(template.hasKey(key)).isFalse();
        assertThat(template.execute(compareAndDelete, List.of(key), "owner-1")).as("nothing left").isEqualTo(0L);
    }

    @Test
    void opsForHashStoresReadsCountsAndDeletesFields() {
        String key = key("hash");
        HashOperations<String, String, String> hash = template.opsForHash();
        hash.putAll(key, Map.of("name", "ada", "visits", "1"));
        hash.put(key, "lang", "en");
        assertThat(hash.putIfAbsent(key, "lang", "fr")).isFalse();
        assertThat(hash.get(key, "name")).isEqualTo("ada");
        assertThat(hash.multiGet(key, List.of("name", "missing", "lang"))).containsExactly("ada", null, "en");
        assertThat(hash.increment(key, "visits", 41)).isEqualTo(42L);
        assertThat(hash.entries(key)).isEqualTo(Map.of("name", "ada", "visits", "42", "lang", "en"));
        assertThat(hash.size(key)).isEqualTo(3L);
        assertThat(hash.hasKey(key, "lang")).isTrue();
        assertThat(hash.delete(key, "lang", "missing")).isEqualTo(1L);
        assertThat(hash.keys(key)).containsExactlyInAnyOrder("name", "visits");
        assertThat(template.type(key).code()).isEqualTo("hash");
        template.delete(key);
        assertThat(hash.entries(key)).isEmpty();
    }

    /** {@code RedisMessageListenerContainer} receives what {@code convertAndSend} publishes. */
    @Test
    void messageListenerContainerReceivesAPublishedMessage() throws Exception {
        String channel = key("channel");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connectionFactory);
        container.addMessageListener((message, pattern) ->
                received.add(new String(message.getBody(), StandardCharsets.UTF_8)), new ChannelTopic(channel));
        container.afterPropertiesSet();
        container.start();
        try {
            // The subscription is made in the background: publish until the subscriber counts, then once more.
            Await.until("the container to be subscribed", STORE_DEADLINE.multipliedBy(2),
                    () -> template.convertAndSend(channel, "probe") >= 1);
            template.convertAndSend(channel, "hello subscribers");
            String message;
            do {
                message = received.poll(EXPIRY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } while ("probe".equals(message));
            assertThat(message).isEqualTo("hello subscribers");
        }
        finally {
            container.stop();
            container.destroy();
        }
    }

    private static void call(WireConnection connection, String... request) {
        try {
            assertThat(connection.call(request).isError()).as("%s", Arrays.toString(request)).isFalse();
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Cache cache() {
        return cacheManager.getCache(GreetingService.CACHE);
    }

    /**
     * Waits until these names' entries are stored: an asynchronous put has finished. A put that
     * failed is not reported by Spring, so a timeout says what a write like the cache's gets.
     */
    private void awaitCached(String... names) {
        try {
            Await.until("the cache to store " + Arrays.toString(names), STORE_DEADLINE,
                    () -> Arrays.stream(names).allMatch(name -> template.hasKey(GreetingService.cacheKey(name))));
        }
        catch (AssertionError timeout) {
            String probe;
            try {
                template.opsForValue().set(key("probe"), "v", CacheTestApplication.ENTRY_TTL);
                probe = "succeeds";
            }
            catch (RuntimeException e) {
                probe = "fails: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            }
            throw new AssertionError(timeout.getMessage() + "; a SET with the entry TTL (what the cache's put sends) "
                    + probe, timeout);
        }
    }

    /** Waits until the cache has none of these names' entries: an asynchronous evict or clear has finished. */
    private void awaitGone(String... names) {
        Await.until("the cache to be cleared", EXPIRY_DEADLINE,
                () -> Arrays.stream(names).allMatch(name -> cache().get(name) == null));
    }

    private static String key(String name) {
        return GreetingService.PREFIX + name;
    }
}
