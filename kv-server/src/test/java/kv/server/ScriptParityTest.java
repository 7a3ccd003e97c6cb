package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import kv.protocol.resp.RespValue;
import kv.server.script.Sha1;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Scripts sent to kv-server and to Debian's redis-server 7.0: every reply the same, error texts
 * included (with the script's SHA1 and line), in RESP2 and, after HELLO 3, in RESP3. This is the
 * table of Redis's Lua/RESP conversions, its sandbox and its SCRIPT commands.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kv.server.port=0")
@DirtiesContext
class ScriptParityTest extends ParityTest {

    @BeforeEach
    void flushScripts() throws IOException {
        same("SCRIPT", "FLUSH");
    }

    /** Lua values a script returns, as RESP (the conversions of Redis's luaReplyToRedisReply). */
    private static final List<String> RETURNS = List.of(
            "return 'text'",
            "return 42",
            "return 3.99",
            "return -0.9",
            "return -2.5",
            "return {1e20}",
            "return 0/0",
            "return true",
            "return false",
            "return nil",
            "return {}",
            "return {1, 'a', {2, {3}}, true, false, 3.7}",
            "return {1, 2, nil, 4}",
            "return {err='My error'}",
            "return {err='-X y'}",
            "return {err=5}",
            "return {ok='FINE'}",
            "return {ok=5}",
            "return {1, 2, {err='inner'}}",
            "return {1, {ok='fine'}}",
            "return {map={a=1}}",
            "return {set={a=true}}",
            "return {double=3.5}",
            "return {big_number='123456789012345678901234567890'}",
            "return redis.error_reply('My Error')",
            "return redis.error_reply('NoSpace')",
            "return redis.error_reply('-X y')",
            "return redis.error_reply()",
            "return redis.status_reply('FINE')",
            "return redis.status_reply(5)",
            "redis.setresp(3) return true",
            "redis.setresp(3) return false",
            "redis.setresp(3) return nil",
            "redis.setresp(3) return {map={a=1}}",
            "redis.setresp(3) return {set={a=true}}",
            "redis.setresp(3) return {double=3.5}",
            "redis.setresp(3) return {1, nil, 2}");

    /** Replies of redis.call as the script sees them (redisProtocolToLuaType), and its errors. */
    private static final List<String> CALLS = List.of(
            "return redis.call('set', 'k', 'v')",
            "return type(redis.call('set', 'k', 'v'))",
            "return redis.call('set', 'k', 'v')['ok']",
            "return redis.call('get', 'k')",
            "return redis.call('get', 'nokey')",
            "return type(redis.call('get', 'nokey'))",
            "return redis.call('incr', 'counter')",
            "return redis.call('mget', 'k', 'nokey', 'counter')",
            "return redis.call('exists', 'k', 'nokey')",
            "return redis.call('ping')",
            "return redis.call('type', 'k')",
            "redis.call('set', 'f', 0.1) return redis.call('get', 'f')",
            "redis.call('set', 'f', 1e15) return redis.call('get', 'f')",
            "redis.call('set', 'f', 42) return redis.call('get', 'f')",
            "return redis.call('incr', 'k')",
            "return redis.pcall('incr', 'k')",
            "local r = redis.pcall('incr', 'k') return type(r) .. ' ' .. r.err",
            "local ok, e = pcall(redis.call, 'incr', 'k') return e",
            "return redis.call('nosuch')",
            "return redis.pcall('nosuch')",
            "return redis.call('get')",
            "return redis.pcall('get')",
            "return redis.call()",
            "return redis.call(1)",
            "return redis.call('set', 'a', {})",
            "return redis.call('eval', 'return 1', 0)",
            "return redis.pcall('eval', 'return 1', 0)",
            "return redis.call('script', 'kill')",
            "return redis.call('multi')",
            "redis.setresp(3) return type(redis.call('get', 'nokey'))",
            "redis.setresp(3) return redis.call('get', 'k')",
            "redis.call('select', 1) redis.call('set', 'in1', 'x') return redis.call('dbsize')",
            "return redis.call('get', 'in1')",
            "return redis.sha1hex('')",
            "return redis.sha1hex('abc')",
            "return redis.sha1hex()",
            "return redis.setresp(4)",
            "return redis.setresp()",
            "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}",
            "return redis.log(redis.LOG_WARNING, 'from a script')",
            "return redis.log(99, 'x')",
            "return redis.log(redis.LOG_WARNING)");

    /** The sandbox, Lua 5.1's surface and the libraries Redis ships. */
    private static final List<String> SANDBOX = List.of(
            "return type(os)",
            "os.execute('ls')",
            "return io.open('/etc/passwd')",
            "return type(io)",
            "return type(debug)",
            "return type(loadfile)",
            "return type(dofile)",
            "return type(require)",
            "return type(package)",
            "return type(print)",
            "return type(setfenv)",
            "x = 5",
            "return undefined_name",
            "_G.y = 1",
            "string.evil = 1",
            "math.random = nil",
            "return type(unpack) .. type(loadstring) .. type(table.getn) .. type(gcinfo) .. type(math.mod)",
            "return type(cjson) .. type(bit) .. type(coroutine) .. type(_G)",
            "local f = loadstring('return 7') return f()",
            "return unpack({1, 2, 3})",
            "return table.getn({1, 2, 3})",
            "local t = {} t[1] = 1 t[3] = 3 return #t",
            "return tostring(1 / 3)",
            "return tostring(1e15)",
            "return tostring(1 / 0)",
            "return tonumber('0x10')",
            "return string.format('%5.2f|%d|%05d|%-4s|%x|%X|%g|%s|%q|%3s|%e', 3.14159, 42, 7, 'ab', 255, 255, 0.1, 1 / 3, 'a\"b', 'x', 12345.678)",
            "return string.format('%d', 'x')",
            "return string.rep('ab', 3) .. string.upper('x') .. ('y'):rep(2)",
            "return {string.find('hello world', 'o w')}",
            "return string.gsub('hello', 'l', 'L')",
            "return math.floor(3.7) + math.max(1, 5)",
            "return math.random(1000)",
            "return math.random(10, 20)",
            "return math.random()",
            "return cjson.encode({1, 2, 'a/b', {x = 1}})",
            "return cjson.encode({})",
            "return cjson.encode('line\\nbreak')",
            "return cjson.decode('{\"a\":[1,2,{\"b\":\"c\"}]}').a[3].b",
            "return cjson.decode('[1,2,3]')[2]",
            "return cjson.decode('{\"n\":null}').n == cjson.null",
            "return bit.band(0xff, 0x0f)",
            "return bit.bor(1, 2, 4)",
            "return bit.bxor(0xf0, 0xff)",
            "return bit.tobit(0xffffffff)",
            "return bit.tobit(2^32 + 5)",
            "return bit.lshift(1, 31)",
            "return bit.rshift(-1, 28)",
            "return bit.arshift(-256, 4)",
            "return bit.tohex(65535)",
            "return bit.tohex(-1, -4)",
            "return bit.bnot(0)",
            "error('boom')",
            "error({err='X boom'})",
            "local function f()\n  error('deep')\nend\nf()",
            "local ok, e = pcall(function() error('x') end) return e",
            "local ok, e = pcall(function() return undefined_name end) return e",
            "return pcall(error)",
            "return (",
            "x = = 2",
            "#!lua\nreturn 1",
            "#!lua flags=no-writes\nreturn redis.call('get', 'k')",
            "#!lua flags=no-writes\nreturn redis.call('set', 'k', 'v')",
            "#!lua flags=allow-oom,no-cluster\nreturn 2",
            "#!lua flags=bogus\nreturn 1",
            "#!lua foo=bar\nreturn 1",
            "#!luax\nreturn 1",
            "#!lua\nreturn (");

    @Test
    void scriptReturnValuesConvertAsInRedis() throws IOException {
        for (String script : RETURNS) {
            same("EVAL", script, "0");
        }
    }

    @Test
    void scriptReturnValuesConvertAsInRedisForResp3Clients() throws IOException {
        both("HELLO", "3");
        for (String script : RETURNS) {
            same("EVAL", script, "0");
        }
    }

    @Test
    void redisCallRepliesAndErrorsAsInRedis() throws IOException {
        for (String script : CALLS) {
            same("EVAL", script, "0");
        }
        both("HELLO", "3");
        for (String script : CALLS) {
            same("EVAL", script, "0");
        }
    }

    @Test
    void sandboxAndLibrariesAsInRedis() throws IOException {
        for (String script : SANDBOX) {
            same("EVAL", script, "0");
        }
    }

    @Test
    void keysAndArgvAndTheirErrors() throws IOException {
        same("EVAL", "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", "2", "k1", "k2", "a1", "a2");
        same("EVAL", "return {#KEYS, #ARGV}", "0");
        same("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "key", "value");
        same("EVAL", "return redis.call('get', KEYS[1])", "1", "key");
        same("EVAL", "return 1", "2", "a");
        same("EVAL", "return 1", "-1");
        same("EVAL", "return 1", "x");
        same("EVAL", "return 1", "+1");
        same("EVAL", "return 1");
        same("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "key");
        same("EVAL_RO", "return redis.call('set', KEYS[1], 'x')", "1", "key");
        same("EVAL_RO", "return redis.pcall('del', KEYS[1])", "1", "key");
        same("GET", "key");
    }

    @Test
    void scriptCacheCommandsAsInRedis() throws IOException {
        same("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0");
        same("EVALSHA", "short", "0");
        same("SCRIPT", "LOAD", "return 'loaded'");
        same("EVALSHA", Sha.of("return 'loaded'"), "0");
        same("EVALSHA", Sha.of("return 'loaded'").toUpperCase(), "0");
        same("EVALSHA_RO", Sha.of("return 'loaded'"), "0");
        same("SCRIPT", "EXISTS", Sha.of("return 'loaded'"), Sha.of("return 'loaded'").toUpperCase(), "nope");
        same("EVAL", "return 'cached by eval'", "0");
        same("SCRIPT", "EXISTS", Sha.of("return 'cached by eval'"));
        same("SCRIPT", "LOAD", "return (");
        same("SCRIPT", "LOAD");
        same("SCRIPT", "EXISTS");
        same("SCRIPT", "FLUSH", "ASYNC");
        same("SCRIPT", "EXISTS", Sha.of("return 'loaded'"));
        same("SCRIPT", "LOAD", "return 'again'");
        same("SCRIPT", "FLUSH", "SYNC");
        same("SCRIPT", "FLUSH", "x");
        same("SCRIPT", "FLUSH", "SYNC", "ASYNC");
        same("SCRIPT", "FLUSH");
        same("SCRIPT", "KILL");
        same("SCRIPT", "NOSUCH");
        same("SCRIPT");
        same("EVALSHA", Sha.of("return 'again'"), "0");
    }

    @Test
    void binaryValuesPassThroughScriptsUnchanged() throws IOException {
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        byte[] command = encode(List.of("EVAL".getBytes(), "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])".getBytes(),
                "1".getBytes(), "bin".getBytes(), value));
        RespValue expected = reference.send(command).read();
        assertThat(kv.send(command).read()).isEqualTo(expected).isEqualTo(new RespValue.BulkString(value));
        same("STRLEN", "bin");
    }

    /** Sends to both servers, without comparing (HELLO describes each server). */
    private void both(String... words) throws IOException {
        List<byte[]> args = new java.util.ArrayList<>();
        for (String word : words) {
            args.add(word.getBytes(StandardCharsets.UTF_8));
        }
        byte[] command = encode(args);
        reference.send(command).read();
        kv.send(command).read();
    }

    private void same(String... words) throws IOException {
        List<byte[]> args = new java.util.ArrayList<>();
        for (String word : words) {
            args.add(word.getBytes(StandardCharsets.UTF_8));
        }
        byte[] command = encode(args);
        RespValue expected = reference.send(command).read();
        RespValue actual = kv.send(command).read();
        assertThat(actual).as(String.join(" ", words)).isEqualTo(expected);
    }

    private static byte[] encode(List<byte[]> words) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + words.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] word : words) {
            out.writeBytes(("$" + word.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(word);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** SHA1 of a script, as EVALSHA names it. */
    static final class Sha {
        static String of(String script) {
            return Sha1.hex(script.getBytes(StandardCharsets.UTF_8));
        }
    }
}
