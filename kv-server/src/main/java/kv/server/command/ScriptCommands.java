package kv.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.script.LuaEngine;
import kv.server.script.ScriptCache;
import kv.server.script.ScriptGate;
import kv.server.script.Sha1;
import kv.server.script.Shebang;
import kv.server.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD|EXISTS|FLUSH|KILL|HELP, as Redis 7.0 answers them.
 *
 * <p>A script runs on the script thread ({@code kv-script}, one), as a {@link BackgroundCommand}
 * whose work first closes the {@link ScriptGate}: from then until it returns, no other client's
 * command runs (they wait, or get {@code -BUSY} past the threshold), and its {@code redis.call}s
 * run one after the other on that thread inside one {@link AtomicUnits atomic unit}: all its
 * writes reach RocksDB as one batch when it returns, and readers never see part of them. The caller's database is the script's; a SELECT inside the script does not
 * change the caller's (as in Redis 7.0). As in Redis, a script that fails half way keeps the writes
 * it made before failing.
 */
@Component
public class ScriptCommands implements CommandGroup<ClientSession> {

    private static final Logger log = LoggerFactory.getLogger("kv.server.script.user_script");

    static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

    private final LuaEngine engine;
    private final ScriptCache cache;
    private final ScriptGate gate;
    private final Executor scriptThread;
    private final ObjectProvider<CommandDispatcher> dispatcher;
    private final AtomicUnits units;

    public ScriptCommands(LuaEngine engine, ScriptCache cache, ScriptGate gate,
                          @Qualifier("kvScript") Executor scriptThread, ObjectProvider<CommandDispatcher> dispatcher,
                          AtomicUnits units) {
        this.units = units;
        this.engine = engine;
        this.cache = cache;
        this.gate = gate;
        this.scriptThread = scriptThread;
        this.dispatcher = dispatcher;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("eval", new Eval(false, false));
        handlers.put("evalsha", new Eval(true, false));
        handlers.put("eval_ro", new Eval(false, true));
        handlers.put("evalsha_ro", new Eval(true, true));
        handlers.put("script", this::script);
    }

    /** One of the four EVAL commands; its work runs on the script thread. */
    private final class Eval implements BackgroundCommand {
        private final boolean bySha;
        private final boolean readOnly;

        Eval(boolean bySha, boolean readOnly) {
            this.bySha = bySha;
            this.readOnly = readOnly;
        }

        @Override
        public Executor executor() {
            return scriptThread;
        }

        @Override
        public Callable<RespValue> prepare(Request request, ClientSession session) {
            Long parsed = Numbers.parseLong(request.arg(2));
            if (parsed == null) {
                return () -> Replies.error(Numbers.NOT_AN_INTEGER);
            }
            long numkeys = parsed;
            if (numkeys > request.size() - 3) {
                return () -> Replies.error("ERR Number of keys can't be greater than number of args");
            }
            if (numkeys < 0) {
                return () -> Replies.error("ERR Number of keys can't be negative");
            }
            List<byte[]> keys = new ArrayList<>((int) numkeys);
            List<byte[]> args = new ArrayList<>(request.size() - 3 - (int) numkeys);
            for (int i = 3; i < request.size(); i++) {
                (i < 3 + numkeys ? keys : args).add(request.arg(i));
            }
            byte[] scriptArg = request.arg(1);
            return () -> run(scriptArg, keys, args, session);
        }

        private RespValue run(byte[] scriptArg, List<byte[]> keys, List<byte[]> args, ClientSession session) {
            ScriptCache.Script script;
            if (bySha) {
                script = scriptArg.length == 40 ? cache.get(new String(scriptArg, StandardCharsets.US_ASCII)) : null;
                if (script == null) {
                    return Replies.error(NOSCRIPT);
                }
            }
            else {
                String sha = Sha1.hex(scriptArg);
                script = cache.get(sha);
                if (script == null) {
                    try {
                        boolean noWrites = Shebang.noWrites(scriptArg);
                        script = new ScriptCache.Script(sha, scriptArg, engine.compile(scriptArg), noWrites);
                    }
                    catch (LuaEngine.CompileError e) {
                        return Replies.error(e.getMessage());
                    }
                    cache.put(script);
                }
            }
            ScriptCache.Script compiled = script;
            boolean readOnly = this.readOnly || script.noWrites();
            int db = session.db();
            if (units.inUnit()) {
                // A script queued in MULTI, run by EXEC on its event loop: EXEC's unit and its
                // place in the gate already keep everyone else out; it joins them.
                try {
                    return engine.run(compiled.sha(), compiled.prototype(), keys, args,
                            new Host(session, new ScriptGate.Running(), readOnly));
                }
                finally {
                    session.db(db);
                }
            }
            ScriptGate.Running running = gate.begin();
            try {
                // One unit: the script's writes reach RocksDB as one batch when it returns (one
                // log record, one fsync), and an error part way keeps what it wrote, as Redis does.
                return units.atomically(() -> engine.run(compiled.sha(), compiled.prototype(), keys, args,
                        new Host(session, running, readOnly)));
            }
            finally {
                session.db(db);
                gate.end(running);
            }
        }
    }

    /** What the script's {@code redis.call}s reach: Redis's checks, then the command itself. */
    private final class Host implements LuaEngine.Host {
        private final ClientSession session;
        private final ScriptGate.Running running;
        private final boolean readOnly;

        Host(ClientSession session, ScriptGate.Running running, boolean readOnly) {
            this.session = session;
            this.running = running;
            this.readOnly = readOnly;
        }

        @Override
        public RespValue call(List<byte[]> args) {
            Request request = Request.of(args);
            CommandSpec spec = CommandTable.find(request.name()).orElse(null);
            if (spec == null) {
                return Replies.error("ERR Unknown Redis command called from script");
            }
            CommandSpec effective = spec;
            if (!spec.subcommands().isEmpty() && request.size() >= 2) {
                CommandSpec sub = spec.subcommands().get(request.argString(1).toLowerCase(Locale.ROOT));
                if (sub != null) {
                    effective = sub;
                }
            }
            if (!spec.acceptsArity(request.size()) || !effective.acceptsArity(request.size())) {
                return Replies.error("ERR Wrong number of args calling Redis command from script");
            }
            if (spec.is(CommandFlag.NOSCRIPT) || effective.is(CommandFlag.NOSCRIPT)) {
                return Replies.error("ERR This Redis command is not allowed from script");
            }
            if (effective.is(CommandFlag.WRITE) || spec.is(CommandFlag.WRITE)) {
                if (readOnly) {
                    return Replies.error("ERR Write commands are not allowed from read-only scripts.");
                }
                running.wrote();
            }
            return dispatcher.getObject().runInUnit(request, session);
        }

        @Override
        public void log(int level, String message) {
            switch (level) {
                case 0 -> log.debug(message);
                case 1, 2 -> log.info(message);
                default -> log.warn(message);
            }
        }

        @Override
        public boolean killed() {
            return running.killed();
        }
    }

    // ---- SCRIPT

    private static final List<String> HELP = List.of(
            "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache. Very dangerous on replicas.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the scripts cache.",
            "    * SYNC: Synchronously flush the scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it.",
            "HELP",
            "    Prints this help.");

    RespValue script(Request request, ClientSession session) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        CommandSpec spec = CommandTable.get("script").subcommands().get(sub);
        if (spec != null && !spec.acceptsArity(request.size())) {
            return Replies.error("ERR wrong number of arguments for 'script|" + sub + "' command");
        }
        switch (sub) {
            case "load": {
                byte[] body = request.arg(2);
                String sha = Sha1.hex(body);
                if (cache.get(sha) == null) {
                    try {
                        boolean noWrites = Shebang.noWrites(body);
                        cache.put(new ScriptCache.Script(sha, body, engine.compile(body), noWrites));
                    }
                    catch (LuaEngine.CompileError e) {
                        return Replies.error(e.getMessage());
                    }
                }
                return Replies.bulk(sha);
            }
            case "exists": {
                List<RespValue> found = new ArrayList<>(request.size() - 2);
                for (int i = 2; i < request.size(); i++) {
                    byte[] sha = request.arg(i);
                    boolean known = sha.length == 40 && cache.get(new String(sha, StandardCharsets.US_ASCII)) != null;
                    found.add(known ? Replies.ONE : Replies.ZERO);
                }
                return new RespValue.Array(found);
            }
            case "flush": {
                if (request.size() > 3 || request.size() == 3 && !request.argIs(2, "async") && !request.argIs(2, "sync")) {
                    return Replies.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
                }
                cache.clear();
                return Replies.OK;
            }
            case "kill": {
                switch (gate.kill()) {
                    case NOT_BUSY:
                        return Replies.error("NOTBUSY No scripts in execution right now.");
                    case UNKILLABLE:
                        return Replies.error("UNKILLABLE Sorry the script already executed write commands against the "
                                + "dataset. You can either wait the script termination or kill the server in a hard "
                                + "way using the SHUTDOWN NOSAVE command.");
                    default:
                        return Replies.OK;
                }
            }
            case "help": {
                List<RespValue> lines = new ArrayList<>(HELP.size());
                HELP.forEach(line -> lines.add(new RespValue.SimpleString(line)));
                return new RespValue.Array(lines);
            }
            default:
                return Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try SCRIPT HELP.");
        }
    }
}
