package kv.server;

import static kv.server.testing.ScriptedCommands.words;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The same command scripts sent to kv-server and to Debian's redis-server: every reply must be
 * the same, error texts included (a TTL within a second, a PTTL within 250 ms: both run on the
 * real clock). Each script starts from empty databases.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext // its data directory goes with the class: no later class may reuse this context
class RedisParityTest extends ParityTest {

    @Test
    void setWithEveryExpiryOptionAndItsErrors() throws IOException {
        script("""
                SET k v EX 100
                TTL k
                PTTL k
                SET k v PX 100000 GET
                SET k v2 KEEPTTL
                TTL k
                SET k v3
                TTL k
                SET k v EX 0
                SET k v EX -5
                SET k v PX 0
                SET k v EX notanumber
                SET k v EX 9223372036854775807
                SET k v EX 9223372036854775
                SET k v PX 9223372036854775807
                SET k v EX 10 PX 100
                SET k v EX 10 KEEPTTL
                SET k v KEEPTTL EX 10
                SET k v EX 10 EX 20
                TTL k
                SET k v NX XX
                SET k v EX
                SET k v PERSIST
                SET k v BOGUS
                SET k v EXAT 1
                GET k
                EXISTS k
                SET k v PXAT 99999999999999
                EXPIRETIME k
                PEXPIRETIME k
                SET n v NX EX 100
                SET n v NX EX 100
                SET n v NX GET
                SET x v XX PX 100
                GET x
                SET n w XX GET EX 50
                TTL n
                """);
    }

    @Test
    void setexPsetexAndGetex() throws IOException {
        script("""
                SETEX k 100 v
                TTL k
                SETEX k 0 v
                SETEX k -1 v
                SETEX k x v
                PSETEX k 100000 v
                PTTL k
                PSETEX k 0 v
                GETEX missing EX 10
                GETEX missing EX -10
                GETEX k
                GETEX k EX 200
                TTL k
                GETEX k PERSIST
                TTL k
                GETEX k PX 5000 PERSIST
                GETEX k NX
                GETEX k EX 0
                GETEX k EX abc
                GETEX k EXAT 1
                EXISTS k
                SET k v
                GETEX k PXAT 99999999999999
                PEXPIRETIME k
                """);
    }

    @Test
    void expireFamilyWithConditions() throws IOException {
        script("""
                EXPIRE missing 10
                SET k v
                TTL k
                PTTL k
                EXPIRETIME k
                TTL missing
                PTTL missing
                EXPIRETIME missing
                PEXPIRETIME missing
                EXPIRE k 100 XX
                EXPIRE k 100 GT
                EXPIRE k 100 LT
                TTL k
                EXPIRE k 50 NX
                EXPIRE k 200 LT
                EXPIRE k 20 GT
                EXPIRE k 200 GT
                TTL k
                EXPIRE k 300 XX
                TTL k
                EXPIRE k 10 NX XX
                EXPIRE k 10 NX GT
                EXPIRE k 10 GT LT
                EXPIRE k 10 BOGUS
                EXPIRE k abc
                EXPIRE k 9223372036854775807
                EXPIRE k -9223372036854775807
                PEXPIRE k 9223372036854775807
                PEXPIREAT k 99999999999999
                PEXPIRETIME k
                EXPIREAT k 99999999999
                EXPIRETIME k
                PERSIST k
                PERSIST k
                TTL k
                PERSIST missing
                PEXPIRE k 100000
                PTTL k
                EXPIRE k -1
                EXISTS k
                SET k v
                EXPIREAT k 1
                GET k
                SET k v
                PEXPIREAT k 0
                EXISTS k
                """);
    }

    @Test
    void countersAndTheirErrors() throws IOException {
        script("""
                INCR c
                INCR c
                INCRBY c 10
                DECR c
                DECRBY c 5
                INCRBY c -3
                INCRBY c abc
                INCRBY c 1.5
                DECRBY c -9223372036854775808
                DECRBY c abc
                SET c 9223372036854775806
                INCR c
                INCR c
                GET c
                SET c -9223372036854775807
                DECR c
                DECR c
                INCRBY c -9223372036854775808
                SET c abc
                INCR c
                SET c " 1"
                INCR c
                SET c 01
                INCR c
                SET c -0
                INCR c
                SET c +1
                INCR c
                SET c 10 EX 100
                INCR c
                TTL c
                SET f 10.5
                INCRBYFLOAT f 0.1
                INCRBYFLOAT f -5
                INCRBYFLOAT f 1e3
                INCRBYFLOAT f abc
                INCRBYFLOAT f inf
                INCRBYFLOAT nf 3.0e3
                INCRBYFLOAT nf2 -0.0001
                INCRBYFLOAT nf3 1.1
                INCRBYFLOAT nf3 2.2
                SET f abc
                INCRBYFLOAT f 1
                SET f 1
                INCRBYFLOAT f 5
                INCR f
                """);
    }

    /**
     * Found by kv-compat's differential judge: kv read INCRBYFLOAT's numbers with Java's decimal
     * syntax, so it refused strtold's hexadecimal floats (0x10) and a stored "inf" (Redis: NaN or
     * Infinity), and answered NaN or Infinity for an increment beyond the range (Redis: not a
     * valid float, strtold's ERANGE).
     */
    @Test
    void incrbyfloatReadsNumbersAsStrtoldDoes() throws IOException {
        script("""
                INCRBYFLOAT h 0x10
                INCRBYFLOAT h 0X1p3
                INCRBYFLOAT h 0x1.8p1
                INCRBYFLOAT h -0x.8
                INCRBYFLOAT h 0x
                INCRBYFLOAT h 0x1p
                INCRBYFLOAT h 0x-1
                INCRBYFLOAT h 0x1p99999
                INCRBYFLOAT h 0x1p-99999
                INCRBYFLOAT h 1e5000
                INCRBYFLOAT h 1e-5000
                INCRBYFLOAT h 1e999999999999
                INCRBYFLOAT h 1.2e4932
                INCRBYFLOAT h +.5
                INCRBYFLOAT h 1.
                INCRBYFLOAT h 1e+3
                INCRBYFLOAT h inf
                INCRBYFLOAT h -Infinity
                INCRBYFLOAT h nan
                SET h 1e4000
                INCRBYFLOAT h 3
                SET h 0x10
                INCRBYFLOAT h 3
                SET h inf
                INCRBYFLOAT h 3
                INCRBYFLOAT h -inf
                SET h -INFINITY
                INCRBYFLOAT h 1
                SET h nan
                INCRBYFLOAT h inf
                SET h 1e5000
                INCRBYFLOAT h 1
                SET h abc
                INCRBYFLOAT h inf
                GET h
                """);
    }

    /** Found by kv-compat's differential judge: EXPIRETIME of an expiry at Long.MAX_VALUE ms overflowed to a negative. */
    @Test
    void expiretimeOfTheLastMillisecondDoesNotOverflow() throws IOException {
        script("""
                SET k v PXAT 9223372036854775807
                EXPIRETIME k
                PEXPIRETIME k
                SET k v PXAT 9223372036854775499
                EXPIRETIME k
                SET k v PXAT 9223372036854775500
                EXPIRETIME k
                """);
    }

    @Test
    void stringEdits() throws IOException {
        script("""
                APPEND s hello
                APPEND s " world"
                GET s
                STRLEN s
                STRLEN missing
                GETRANGE s 0 4
                GETRANGE s -5 -1
                GETRANGE s 6 100
                GETRANGE s -1 -5
                GETRANGE s 100 200
                GETRANGE s -100 2
                GETRANGE missing 0 -1
                GETRANGE s a 1
                SETRANGE s 6 there
                GET s
                SETRANGE s 20 x
                GET s
                SETRANGE s -1 x
                SETRANGE s a x
                SETRANGE fresh 3 ab
                GET fresh
                SETRANGE none 5 ""
                EXISTS none
                SETRANGE s 0 ""
                GETDEL s
                GETDEL s
                GETSET g 1
                GETSET g 2
                SET t v EX 100
                GETSET t w
                TTL t
                SETNX n 1
                SETNX n 2
                GET n
                MSETNX a 1 b 2
                MSETNX b 3 c 4
                MGET a b c
                MSETNX a
                MSETNX a 1 b
                APPEND t2 x
                SET t2 v EX 100
                APPEND t2 x
                TTL t2
                SETRANGE t2 0 y
                TTL t2
                """);
    }

    @Test
    void keyspaceCommands() throws IOException {
        script("""
                MSET a 1 b 2 c 3
                TYPE a
                TYPE missing
                EXISTS a b missing
                TOUCH a b missing
                UNLINK a missing
                EXISTS a
                RENAME missing x
                RENAME b b
                RENAMENX b b
                SET e v EX 100
                RENAME e f
                TTL f
                EXISTS e
                RENAME f c
                GET c
                TTL c
                RENAMENX c b
                RENAMENX c d
                GET d
                COPY d d
                COPY missing x
                COPY d x
                COPY d x
                COPY d x REPLACE
                TTL x
                COPY d x DB 1
                COPY d x DB 99
                COPY d x DB abc
                COPY d x BOGUS
                SELECT 1
                GET x
                TTL x
                DBSIZE
                SELECT 0
                DBSIZE
                SELECT 16
                SELECT -1
                SELECT abc
                SELECT 99999999999
                COPY d x DB 99999999999
                SCAN abc
                SCAN 18446744073709551616
                SCAN 0 COUNT 0
                SCAN 0 COUNT abc
                SCAN 0 MATCH
                SCAN 0 BOGUS 1
                KEYS nomatch*
                FLUSHDB BOGUS
                FLUSHALL BOGUS
                SELECT 1
                RANDOMKEY
                """);
    }

    @Test
    void databasesAreSeparate() throws IOException {
        script("""
                SET k zero
                SELECT 3
                GET k
                SET k three EX 100
                DBSIZE
                SELECT 0
                GET k
                TTL k
                FLUSHDB
                GET k
                SELECT 3
                GET k
                FLUSHALL
                GET k
                RANDOMKEY
                """);
    }

    @Test
    void swapdbTradesTwoDatabasesKeysAndTtls() throws IOException {
        script("""
                SET k zero
                SELECT 1
                SET k one EX 100
                SET only1 x
                SWAPDB 0 1
                GET k
                TTL k
                DBSIZE
                SELECT 0
                GET k
                TTL k
                DBSIZE
                EXISTS only1
                SWAPDB 0 0
                GET k
                SWAPDB 0 16
                SWAPDB -1 0
                SWAPDB a 0
                SWAPDB 0 a
                SWAPDB 99999999999 0
                SWAPDB 0
                SWAPDB 1 0
                GET k
                FLUSHALL
                SELECT 1
                GET k
                SET k after
                SELECT 0
                GET k
                """);
    }

    @Test
    void wrongArity() throws IOException {
        script("""
                SETEX k 10
                PSETEX k
                GETEX
                EXPIRE k
                TTL
                TTL a b
                PERSIST
                INCR
                INCRBY k
                APPEND k
                GETRANGE k 0
                SETRANGE k 0
                MSETNX
                RENAME a
                COPY a
                SCAN
                TYPE
                SELECT
                """);
    }

    /**
     * A seeded random stream of the commands above over a few keys, with edge cases (negative
     * and huge times, overflowing counters, empty and odd values, wrong types of argument);
     * replies compared one by one. The failing seed and command are in the assertion message;
     * {@code -Dkv.parity.seed=N} replays one.
     */
    @Test
    void randomCommandStreamsAnswerAsRedisDoes() throws IOException {
        long seed = Long.getLong("kv.parity.seed", System.nanoTime());
        java.util.Random random = new java.util.Random(seed);
        java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
        for (int i = 0; i < 3000; i++) {
            String line = randomCommand(random);
            recent.addLast(line);
            if (recent.size() > 40) {
                recent.removeFirst();
            }
            try {
                same(line);
            }
            catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", command " + i + ": " + e.getMessage()
                        + "\nthe commands before it:\n" + String.join("\n", recent), e);
            }
        }
    }

    private static String randomCommand(java.util.Random random) {
        String[] keys = {"a", "b", "c", "\"\""};
        String key = keys[random.nextInt(keys.length)];
        String other = keys[random.nextInt(keys.length)];
        String[] numbers = {"0", "1", "-1", "10", "1000", "99999", "-99999", "9223372036854775807",
                "-9223372036854775808", "9223372036854775806", "abc", "1.5", "01", "\"\""};
        String number = numbers[random.nextInt(numbers.length)];
        String[] values = {"v", "10", "-5", "3.5", "1e2", "hello world", "\"\"", "9223372036854775807", "0.1"};
        String value = values[random.nextInt(values.length)];
        // No time that runs out during the run (as ms, the shortest is 100 s): when a key goes
        // would depend on each server's cycle. Past times are deterministic: the key goes at once.
        String[] times = {"100000", "500000", "-1", "0", "99999999", "abc"};
        String time = times[random.nextInt(times.length)];
        // Not SET ... PXAT <past>: Redis 7.0 keeps such a key (DBSIZE counts it) until a read or its
        // cycle deletes it, kv-server deletes it at once; every reply about the key itself agrees.
        String[] setOptions = {"", " NX", " XX", " GET", " KEEPTTL", " EX " + time, " PX " + time, " NX GET",
                " XX EX 1000", " EX 1000 KEEPTTL", " EXAT 99999999999", " EX 1000 PX 1000"};
        String[] expireOptions = {"", " NX", " XX", " GT", " LT", " NX XX", " GT LT", " BOGUS"};
        return switch (random.nextInt(30)) {
            case 0 -> "SET " + key + " " + value + setOptions[random.nextInt(setOptions.length)];
            case 1 -> "GET " + key;
            case 2 -> "SETEX " + key + " " + time + " " + value;
            case 3 -> "PSETEX " + key + " " + time + " " + value;
            case 4 -> "GETEX " + key + new String[] {"", " EX " + time, " PERSIST", " PXAT 1", " NX"}[random.nextInt(5)];
            case 5 -> new String[] {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}[random.nextInt(4)] + " " + key + " "
                    + (random.nextBoolean() ? time : "99999999999") + expireOptions[random.nextInt(expireOptions.length)];
            case 6 -> new String[] {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}[random.nextInt(4)] + " " + key;
            case 7 -> "PERSIST " + key;
            case 8 -> "INCR " + key;
            case 9 -> "DECR " + key;
            case 10 -> "INCRBY " + key + " " + number;
            case 11 -> "DECRBY " + key + " " + number;
            case 12 -> "INCRBYFLOAT " + key + " " + new String[] {"0.1", "-1.5", "3e2", "abc", "1", "-0.0001"}[random.nextInt(6)];
            case 13 -> "APPEND " + key + " " + value;
            case 14 -> "STRLEN " + key;
            case 15 -> "GETRANGE " + key + " " + (random.nextInt(21) - 10) + " " + (random.nextInt(21) - 10);
            case 16 -> "SETRANGE " + key + " " + random.nextInt(12) + " " + value;
            case 17 -> "GETDEL " + key;
            case 18 -> "GETSET " + key + " " + value;
            case 19 -> "SETNX " + key + " " + value;
            case 20 -> "MSETNX " + key + " " + value + " " + other + " " + value;
            case 21 -> "DEL " + key + " " + other;
            case 22 -> "EXISTS " + key + " " + other;
            case 23 -> "TYPE " + key;
            case 24 -> (random.nextBoolean() ? "RENAME " : "RENAMENX ") + key + " " + other;
            case 25 -> "COPY " + key + " " + other + new String[] {"", " REPLACE", " DB 1", " DB 1 REPLACE"}[random.nextInt(4)];
            case 26 -> "SELECT " + random.nextInt(3);
            case 27 -> "DBSIZE";
            case 28 -> "MSET " + key + " " + value + " " + other + " " + value;
            default -> random.nextInt(10) == 0 ? "FLUSHDB" : "UNLINK " + key;
        };
    }

    /** Sends each line (words split on spaces, "" an empty word, "a b" one word) to both servers. */
}
