package kv.compat.frameworks.spring;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** A cached service: each real call is counted, so a scenario sees whether the cache answered. */
@Service
public class GreetingService {

    static final String CACHE = "greetings";
    /** Cache keys are {@code PREFIX + "greetings::" + name}; unique per run so runs never see each other's entries. */
    static final String PREFIX = "compat-spring-" + Long.toString(System.nanoTime(), 36) + ":";

    private final AtomicInteger calls = new AtomicInteger();

    @Cacheable(CACHE)
    public String greet(String name) {
        return "hello " + name + " #" + calls.incrementAndGet();
    }

    @CacheEvict(CACHE)
    public void forget(String name) {
    }

    @CacheEvict(value = CACHE, allEntries = true)
    public void forgetEveryone() {
    }

    public int calls() {
        return calls.get();
    }

    static String cacheKey(String name) {
        return PREFIX + CACHE + "::" + name;
    }
}
