package kv.server.script;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * The Lua interpreter of kv-server's scripts (EVAL and friends): LuaJ, with Redis 7.0's sandbox,
 * its {@code redis} library and its conversions (see {@link LuaReplies}).
 *
 * <h2>Why LuaJ and not real Lua 5.1 (LuaJava)</h2>
 * Measured side by side on this machine (a scratch main, JIT warm, third of three rounds; 2 shared
 * cores): calling a compiled {@code return 1 + 1} 100,000 times: LuaJ 3.0.1 14 ns a call (39 ns
 * with the instruction hook this class installs), LuaJava 4.0.2 on Lua 5.1.5 75 ns; a script
 * making one {@code redis.call} (a Java function returning a string): LuaJ 78 ns, LuaJava 298 ns
 * (a JNI round trip each way); a 10-million-iteration arithmetic loop: LuaJ 210 ms, Lua 5.1 45 ms.
 * Redis scripts are short and call Redis a few times, which LuaJ does faster; Lua 5.1 wins only on
 * long computations. What decided it:
 * <ul>
 *   <li>binary-safe strings: a Lua string in LuaJ is bytes, as in C Lua; LuaJava 4.0.2 pushes and
 *       reads strings as Java Strings through JNI (modified UTF-8), so a value that is not UTF-8
 *       (a serialized object, a compressed value) would be corrupted on its way through a script;</li>
 *   <li>the time limit and SCRIPT KILL: LuaJava 4.0.2 exposes no {@code lua_sethook} (only
 *       {@code debug.sethook} from Lua); LuaJ calls a Java hook on every instruction, which here
 *       checks a kill flag;</li>
 *   <li>no native code in the server process: a bug in a script engine cannot take RocksDB's
 *       write-ahead log down with a segfault.</li>
 * </ul>
 * The price is Lua 5.2-flavoured semantics under a 5.1 surface. Provided as in Redis 7.0:
 * {@code unpack}, {@code loadstring}, {@code table.getn}, {@code table.maxn}, {@code math.mod},
 * {@code string.gfind}, {@code gcinfo}, {@code math.random} with Redis's own rand48 sequence (the
 * same numbers Redis gives), the {@code bit} library (LuaBitOp) and {@code cjson}. Not provided:
 * {@code struct} and {@code cmsgpack} (nonexistent globals, as {@code os}). Known differences: a
 * non-integral number turned into a string inside the script ({@code tostring}, {@code ..})
 * uses LuaJ's shorter formatting (Lua: {@code %.14g}); numbers passed to {@code redis.call} are
 * formatted as Redis does ({@code %.17g}); some of the VM's own error texts (arithmetic on nil)
 * are worded as LuaJ words them; {@code setfenv}/{@code getfenv} are absent, as in Redis 7.0.
 *
 * <h2>Sandbox</h2>
 * Each run gets a fresh global table whose reads of an unknown name fail with
 * "Script attempted to access nonexistent global variable" and whose writes fail with
 * "Attempt to modify a readonly table" (Redis 7.0's texts), so nothing a script defines survives it.
 * The libraries are read-only proxies whose metatables are protected; {@code rawset},
 * {@code table.insert}/{@code remove}/{@code sort} refuse them. No {@code os}, {@code io},
 * {@code debug}, {@code package}, {@code require}, {@code loadfile}, {@code dofile}, {@code print}.
 *
 * <p>Not thread safe: one script runs at a time, on the script thread (see {@link ScriptGate}).
 */
public final class LuaEngine {

    /** How often (in VM instructions) the hook looks at the kill flag: cheap enough at every 1000. */
    private static final int CHECK_EVERY = 1000;

    static final LuaString CHUNK = LuaString.valueOf("@user_script");

    private final Globals globals = new Globals();
    /** What a script sees as globals (read through each run's own table). */
    private final LuaTable base = new LuaTable();
    private final java.util.Set<LuaTable> readOnly = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final LuaTable sandboxMeta = new LuaTable();
    private final LuaTable readOnlyMeta = new LuaTable();
    private final Rand48 random = new Rand48();
    private final KillHook hook = new KillHook();

    /** The run under way (script thread only). */
    private Run run;

    /** What a running script needs from the server. */
    public interface Host {
        /** Runs one command for {@code redis.call}/{@code redis.pcall}; never throws. */
        RespValue call(List<byte[]> args);

        /** {@code redis.log(level, message)}. */
        void log(int level, String message);

        /** True once SCRIPT KILL asked this script to stop. */
        boolean killed();
    }

    private static final class Run {
        final Host host;
        final Globals env;
        final Thread thread = Thread.currentThread();
        boolean resp3;
        boolean killing;

        Run(Host host, Globals env) {
            this.host = host;
            this.env = env;
        }
    }

    /** A script that does not compile, with Redis's message. */
    public static final class CompileError extends Exception {
        public CompileError(String message) {
            super(message, null, false, false);
        }
    }

    public LuaEngine() {
        globals.load(new BaseLib());
        globals.load(new PackageLib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new CoroutineLib());
        globals.load(new JseMathLib());
        globals.load(hook);
        LoadState.install(globals);
        LuaC.install(globals);
        buildSandbox();
    }

    /** Compiles a script's body as Redis does (chunk {@code @user_script}). */
    public Prototype compile(byte[] body) throws CompileError {
        try {
            return globals.compilePrototype(new ByteArrayInputStream(body), CHUNK.tojstring());
        }
        catch (LuaError e) {
            throw new CompileError("ERR Error compiling script (new function): " + compileMessage(e));
        }
        catch (IOException e) {
            throw new CompileError("ERR Error compiling script (new function): " + e.getMessage());
        }
    }

    private static String compileMessage(LuaError e) {
        String message = e.getMessage();
        // LuaJ says "@user_script:1: ..." where Lua 5.1 says "user_script:1: ...".
        message = message.startsWith("@") ? message.substring(1) : message;
        // and names a token by its number where Lua names it: "unexpected symbol 286 (...)".
        java.util.regex.Matcher m = TOKEN_NUMBER.matcher(message);
        if (m.find()) {
            int number = Integer.parseInt(m.group(2));
            int token = number - 257;
            String name = number < 257 ? String.valueOf((char) number) : token < TOKENS.length ? TOKENS[token] : m.group(2);
            message = message.substring(0, m.start()) + m.group(1) + " near '" + name + "'" + message.substring(m.end());
        }
        return message;
    }

    private static final java.util.regex.Pattern TOKEN_NUMBER = java.util.regex.Pattern.compile("(unexpected symbol) (\\d+) \\(.\\)");
    /** LuaJ's (Lua 5.2's) tokens from 257 on, as Lua writes them in messages. */
    private static final String[] TOKENS = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function",
        "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while", "..", "...",
        "==", ">=", "<=", "~=", "::", "<eof>", "<number>", "<name>", "<string>"};

    /**
     * Runs a compiled script with {@code KEYS} and {@code ARGV}; the reply as Redis would give it,
     * errors included ({@code sha} names the script in error texts).
     */
    public RespValue run(String sha, Prototype prototype, List<byte[]> keys, List<byte[]> args, Host host) {
        // A Globals, not a plain table: LuaJ calls the instruction hook only for closures whose
        // environment is one (LuaClosure keeps "env instanceof Globals"), and SCRIPT KILL needs it.
        Globals env = new Globals();
        env.debuglib = hook;
        env.compiler = globals.compiler;
        env.loader = globals.loader;
        env.running.errorfunc = LUA_STYLE_MESSAGE;
        env.setmetatable(sandboxMeta);
        env.rawset("KEYS", list(keys));
        env.rawset("ARGV", list(args));
        Run current = new Run(host, env);
        hook.reset();
        run = current;
        try {
            LuaValue result = new LuaClosure(prototype, env).call();
            return LuaReplies.toResp(result, current.resp3);
        }
        catch (LuaError e) {
            return errorReply(sha, e, hook.lastPlace());
        }
        catch (StackOverflowError e) {
            return Replies.error("ERR Error running script " + sha + ", stack overflow");
        }
        finally {
            run = null;
        }
    }

    /** Redis's texts: "ERR user_script:1: boom script: <sha>, on @user_script:1." and the like. */
    private static RespValue errorReply(String sha, LuaError e, String lastPlace) {
        LuaValue raised = e.getMessageObject();
        String where = ErrorPlace.of(e);
        boolean placed = where != null;
        if (!placed) {
            where = lastPlace; // raised by a function in a tail call, after its caller returned
        }
        String message;
        if (raised.istable() && raised.get(LuaReplies.ERR).type() == LuaValue.TSTRING) {
            message = raised.get(LuaReplies.ERR).tojstring();
        }
        else if (raised.isstring()) {
            String text = luaStyle(withoutTraceback(raised.tojstring()), where);
            if (!placed && where != null && !text.startsWith("user_script:")) {
                text = where + ": " + text; // luaL_error's position, which LuaJ could not add
            }
            message = "ERR " + text;
        }
        else if (raised.isnil() && e.getMessage() != null) {
            message = "ERR " + luaStyle(withoutTraceback(e.getMessage()), where);
        }
        else {
            message = "ERR " + raised.tojstring();
        }
        if (where != null) {
            message = message + " script: " + sha + ", on @" + where + ".";
        }
        return Replies.error(LuaReplies.oneLine(message));
    }

    /**
     * LuaJ hands an error's message to the running thread's error function, if set, before the
     * stack unwinds (else, with the debug hooks on, it appends a traceback): this one gives the
     * message Lua 5.1's form, which is what a script's {@code pcall} then sees ("user_script:1: x").
     */
    private static final LuaValue LUA_STYLE_MESSAGE = new OneArgFunction() {
        @Override
        public LuaValue call(LuaValue message) {
            return LuaValue.valueOf(luaStyle(message.tojstring(), null));
        }
    };

    /** LuaJ appends a traceback to a message when its debug hooks are on; Redis does not. */
    private static String withoutTraceback(String message) {
        int at = message.indexOf("\nstack traceback:");
        if (at < 0) {
            at = message.indexOf(" stack traceback:");
        }
        return at < 0 ? message : message.substring(0, at);
    }

    /** LuaJ's positions ("@user_script:1 msg") in Lua 5.1's form ("user_script:1: msg"). */
    private static String luaStyle(String message, String where) {
        if (message.startsWith("@user_script:")) {
            int space = message.indexOf(' ');
            String place = space < 0 ? message.substring(1) : message.substring(1, space);
            String rest = space < 0 ? "" : message.substring(space + 1);
            if (place.endsWith(":")) {
                place = place.substring(0, place.length() - 1);
            }
            return place + ": " + rest;
        }
        return message;
    }

    // ---- the sandbox

    private void buildSandbox() {
        LuaValue refuse = new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                throw new LuaError("Attempt to modify a readonly table");
            }
        };
        readOnlyMeta.rawset("__newindex", refuse);
        readOnlyMeta.rawset("__metatable", LuaValue.FALSE);
        LuaValue g = globals;
        for (String name : new String[] {"assert", "collectgarbage", "error", "getmetatable", "ipairs", "next",
                "pairs", "pcall", "rawequal", "rawget", "rawlen", "select", "setmetatable", "tonumber", "tostring",
                "type", "xpcall", "load"}) {
            base.rawset(name, g.get(name));
        }
        base.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        LuaValue realTostring = g.get("tostring");
        base.rawset("tostring", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue value) {
                // Lua 5.1 writes numbers with %.14g; LuaJ with Float.toString (0.33333334, Infinity for 1e100).
                if (value.type() == LuaValue.TNUMBER) {
                    return LuaValue.valueOf(CFormat.g(value.todouble(), 14));
                }
                return realTostring.call(value);
            }
        });
        LuaValue table = g.get("table");
        base.rawset("unpack", table.get("unpack"));
        LuaValue realPcall = g.get("pcall");
        base.rawset("pcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // Redis's pcall: an error table with an err string is caught as that string.
                Varargs result = realPcall.invoke(args);
                if (!result.arg1().toboolean() && result.arg(2).istable()) {
                    LuaValue err = result.arg(2).rawget(LuaReplies.ERR);
                    if (err.isstring()) {
                        return LuaValue.varargsOf(LuaValue.FALSE, err);
                    }
                }
                return result;
            }
        });
        LuaValue realRawset = g.get("rawset");
        base.rawset("rawset", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                refuseReadOnly(args.arg1());
                return realRawset.invoke(args);
            }
        });
        base.rawset("gcinfo", new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                Runtime runtime = Runtime.getRuntime();
                return LuaValue.valueOf((int) ((runtime.totalMemory() - runtime.freeMemory()) / 1024));
            }
        });
        base.rawset("loadstring", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaString source = args.checkstring(1);
                String name = args.optjstring(2, source.tojstring());
                try {
                    Prototype p = globals.compilePrototype(new ByteArrayInputStream(LuaReplies.bytes(source)),
                            name.startsWith("@") || name.startsWith("=") ? name : "=" + name);
                    return new LuaClosure(p, run.env);
                }
                catch (LuaError | IOException e) {
                    return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
                }
            }
        });

        LuaTable tableLib = copy(table);
        tableLib.rawset("getn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue t) {
                return LuaValue.valueOf(t.checktable().length());
            }
        });
        tableLib.rawset("maxn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue t) {
                double max = 0;
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs n = t.checktable().next(k);
                    k = n.arg1();
                    if (k.isnil()) {
                        return LuaValue.valueOf(max);
                    }
                    if (k.isnumber() && k.todouble() > max) {
                        max = k.todouble();
                    }
                }
            }
        });
        for (String mutator : new String[] {"insert", "remove", "sort"}) {
            LuaValue real = table.get(mutator);
            tableLib.rawset(mutator, new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    refuseReadOnly(args.arg1());
                    return real.invoke(args);
                }
            });
        }
        LuaTable stringLib = copy(g.get("string"));
        stringLib.rawset("gfind", stringLib.rawget("gmatch"));
        stringLib.rawset("format", new LuaFormat());
        LuaTable mathLib = copy(g.get("math"));
        mathLib.rawset("mod", mathLib.rawget("fmod"));
        mathLib.rawset("random", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return random.random(args);
            }
        });
        mathLib.rawset("randomseed", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue seed) {
                random.seed(seed.checkint());
                return NONE;
            }
        });
        base.rawset("table", readOnly(tableLib));
        base.rawset("string", readOnly(stringLib));
        base.rawset("math", readOnly(mathLib));
        base.rawset("coroutine", readOnly(copy(g.get("coroutine"))));
        base.rawset("bit", readOnly(LuaBit.library()));
        base.rawset("cjson", readOnly(LuaCjson.library()));
        base.rawset("redis", readOnly(redisLibrary()));

        // The strings' metatable ("x"):upper() must not lead to the real string library.
        LuaValue stringMeta = LuaString.s_metatable;
        if (stringMeta instanceof LuaTable meta) {
            meta.rawset("__metatable", base.rawget("string"));
        }

        sandboxMeta.rawset("__index", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue self, LuaValue name) {
                LuaValue value = base.rawget(name);
                if (!value.isnil()) {
                    return value;
                }
                if (name.isstring() && name.tojstring().equals("_G")) {
                    return self;
                }
                throw new LuaError("Script attempted to access nonexistent global variable '" + name.tojstring() + "'");
            }
        });
        sandboxMeta.rawset("__newindex", refuse);
        sandboxMeta.rawset("__metatable", LuaValue.FALSE);
    }

    private LuaTable copy(LuaValue library) {
        LuaTable copy = new LuaTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = library.next(k);
            k = n.arg1();
            if (k.isnil()) {
                return copy;
            }
            copy.rawset(k, n.arg(2));
        }
    }

    /** A proxy that reads {@code library} and refuses writes, its metatable protected. */
    private LuaTable readOnly(LuaTable library) {
        LuaTable proxy = new LuaTable();
        LuaTable meta = new LuaTable();
        meta.rawset("__index", library);
        meta.rawset("__newindex", readOnlyMeta.rawget("__newindex"));
        meta.rawset("__metatable", LuaValue.FALSE);
        proxy.setmetatable(meta);
        readOnly.add(proxy);
        return proxy;
    }

    private void refuseReadOnly(LuaValue table) {
        if (table instanceof LuaTable t && (readOnly.contains(t) || t.getmetatable() == sandboxMeta)) {
            throw new LuaError("Attempt to modify a readonly table");
        }
    }

    private static LuaTable list(List<byte[]> items) {
        LuaTable table = new LuaTable(items.size(), 0);
        for (int i = 0; i < items.size(); i++) {
            table.rawset(i + 1, LuaString.valueOf(items.get(i)));
        }
        return table;
    }

    // ---- the redis library

    private LuaTable redisLibrary() {
        LuaTable redis = new LuaTable();
        redis.rawset("call", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return command(args, true);
            }
        });
        redis.rawset("pcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return command(args, false);
            }
        });
        redis.rawset("error_reply", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                    return LuaReplies.errorTable("ERR wrong number or type of arguments");
                }
                String message = args.arg1().tojstring();
                return LuaReplies.errorTable(message.startsWith("-") ? message : "-" + message);
            }
        });
        redis.rawset("status_reply", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                    return LuaReplies.errorTable("ERR wrong number or type of arguments");
                }
                return LuaValue.tableOf(new LuaValue[] {LuaReplies.OK, args.arg1()});
            }
        });
        redis.rawset("sha1hex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw new LuaError(LuaReplies.errorTable("ERR wrong number of arguments"));
                }
                return LuaValue.valueOf(Sha1.hex(LuaReplies.bytes(args.arg1().checkstring())));
            }
        });
        redis.rawset("log", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() < 2) {
                    throw new LuaError(LuaReplies.errorTable("ERR redis.log() requires two arguments or more."));
                }
                if (!args.arg1().isnumber()) {
                    throw new LuaError(LuaReplies.errorTable("ERR First argument must be a number (log level)."));
                }
                int level = args.arg1().toint();
                if (level < 0 || level > 3) {
                    throw new LuaError(LuaReplies.errorTable("ERR Invalid debug level."));
                }
                StringBuilder message = new StringBuilder();
                for (int i = 2; i <= args.narg(); i++) {
                    if (i > 2) {
                        message.append(' ');
                    }
                    message.append(args.arg(i).tojstring());
                }
                run.host.log(level, message.toString());
                return NONE;
            }
        });
        redis.rawset("setresp", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw new LuaError(LuaReplies.errorTable("ERR redis.setresp() requires one argument."));
                }
                int resp = args.checkint(1);
                if (resp != 2 && resp != 3) {
                    throw new LuaError(LuaReplies.errorTable("ERR RESP version must be 2 or 3."));
                }
                run.resp3 = resp == 3;
                return NONE;
            }
        });
        redis.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        redis.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        redis.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        redis.rawset("LOG_WARNING", LuaValue.valueOf(3));
        return redis;
    }

    /** {@code redis.call} ({@code raise}) and {@code redis.pcall}. */
    private Varargs command(Varargs args, boolean raise) {
        Run current = run;
        if (current == null) {
            throw new LuaError("redis.call outside a script"); // a coroutine that outlived its script
        }
        if (Thread.currentThread() != current.thread) {
            // LuaJ runs a coroutine on a thread of its own; a command there would escape the
            // script's atomic unit, which is bound to the script's thread.
            throw new LuaError("redis.call from a coroutine is not supported by kv");
        }
        if (args.narg() == 0) {
            return fail(raise, "ERR Please specify at least one argument for this redis lib call");
        }
        List<byte[]> argv = new ArrayList<>(args.narg());
        for (int i = 1; i <= args.narg(); i++) {
            LuaValue arg = args.arg(i);
            if (arg.type() == LuaValue.TNUMBER) {
                argv.add(CFormat.g(arg.todouble(), 17).getBytes(StandardCharsets.US_ASCII));
            }
            else if (arg.type() == LuaValue.TSTRING) {
                argv.add(LuaReplies.bytes(arg.checkstring()));
            }
            else {
                return fail(raise, "ERR Lua redis lib command arguments must be strings or integers");
            }
        }
        RespValue reply = current.host.call(argv);
        if (raise && reply instanceof RespValue.Error error) {
            throw new LuaError(LuaReplies.errorTable(error.message()));
        }
        return LuaReplies.toLua(reply, current.resp3);
    }

    private static Varargs fail(boolean raise, String message) {
        LuaTable error = LuaReplies.errorTable(message);
        if (raise) {
            throw new LuaError(error);
        }
        return error;
    }

    /**
     * Called by LuaJ before every instruction of a Lua function: every {@link #CHECK_EVERY}
     * instructions it asks whether SCRIPT KILL wants this script stopped, and once it does,
     * raises the kill error at every instruction, so a {@code pcall} cannot swallow it.
     */
    private final class KillHook extends DebugLib {
        private int countdown = CHECK_EVERY;
        /** The Lua functions being run, innermost last (null for a Java function); script thread only. */
        private final java.util.ArrayDeque<Object> calls = new java.util.ArrayDeque<>();
        private Prototype lastPrototype;
        private int lastPc;
        private static final Object JAVA = new Object();

        @Override
        public void onCall(LuaFunction f) {
            calls.push(JAVA);
        }

        @Override
        public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
            calls.push(c.p);
        }

        @Override
        public void onReturn() {
            calls.poll();
        }

        void reset() {
            calls.clear();
            lastPrototype = null;
            countdown = CHECK_EVERY;
        }

        /** The line of the last Lua instruction run: where a function called in a tail call was called from. */
        String lastPlace() {
            Prototype p = lastPrototype;
            lastPrototype = null;
            calls.clear();
            if (p == null || p.lineinfo == null || lastPc < 0 || lastPc >= p.lineinfo.length) {
                return null;
            }
            String source = p.source.tojstring();
            return (source.startsWith("@") ? source.substring(1) : source) + ":" + p.lineinfo[lastPc];
        }

        @Override
        public void onInstruction(int pc, Varargs v, int top) {
            Run current = run;
            if (current == null) {
                return;
            }
            if (calls.peek() instanceof Prototype p) {
                lastPrototype = p;
                lastPc = pc;
            }
            if (current.killing) {
                throw new LuaError(LuaReplies.errorTable("ERR Script killed by user with SCRIPT KILL..."));
            }
            if (--countdown > 0) {
                return;
            }
            countdown = CHECK_EVERY;
            if (current.host.killed()) {
                current.killing = true;
                throw new LuaError(LuaReplies.errorTable("ERR Script killed by user with SCRIPT KILL..."));
            }
        }
    }

    /** Redis's {@code redisLrand48} and {@code redis_math_random}: the same sequence Redis gives. */
    private static final class Rand48 {
        private static final long MASK = (1L << 48) - 1;
        private static final int MAX = Integer.MAX_VALUE;
        private long x = 0x1234ABCD330EL;

        void seed(int seed) {
            x = ((long) (seed & 0xffffffffL) << 16) | 0x330E;
        }

        private long next() {
            x = (0x5DEECE66DL * x + 0xB) & MASK;
            return x >>> 17;
        }

        Varargs random(Varargs args) {
            double r = (double) (next() % MAX) / (double) MAX;
            switch (args.narg()) {
                case 0:
                    return LuaValue.valueOf(r);
                case 1: {
                    int u = args.checkint(1);
                    if (u < 1) {
                        throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                    }
                    return LuaValue.valueOf(Math.floor(r * u) + 1);
                }
                case 2: {
                    int l = args.checkint(1);
                    int u = args.checkint(2);
                    if (l > u) {
                        throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                    }
                    return LuaValue.valueOf(Math.floor(r * (u - l + 1)) + l);
                }
                default:
                    throw new LuaError("wrong number of arguments");
            }
        }
    }
}
