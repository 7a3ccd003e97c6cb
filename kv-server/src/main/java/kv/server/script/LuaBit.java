package kv.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code bit} library Redis ships (LuaBitOp 1.0): numbers taken modulo 2^32 as signed 32-bit
 * integers, results signed ({@code bit.tobit(0xffffffff) == -1}), as rate limiters and bloom
 * filters written for Redis expect.
 */
final class LuaBit {

    private LuaBit() {
    }

    private interface Op {
        Varargs apply(Varargs args);
    }

    static LuaTable library() {
        LuaTable bit = new LuaTable();
        put(bit, "tobit", a -> num(bits(a, 1)));
        put(bit, "bnot", a -> num(~bits(a, 1)));
        put(bit, "band", a -> {
            int r = bits(a, 1);
            for (int i = 2; i <= a.narg(); i++) {
                r &= bits(a, i);
            }
            return num(r);
        });
        put(bit, "bor", a -> {
            int r = bits(a, 1);
            for (int i = 2; i <= a.narg(); i++) {
                r |= bits(a, i);
            }
            return num(r);
        });
        put(bit, "bxor", a -> {
            int r = bits(a, 1);
            for (int i = 2; i <= a.narg(); i++) {
                r ^= bits(a, i);
            }
            return num(r);
        });
        put(bit, "lshift", a -> num(bits(a, 1) << (bits(a, 2) & 31)));
        put(bit, "rshift", a -> num(bits(a, 1) >>> (bits(a, 2) & 31)));
        put(bit, "arshift", a -> num(bits(a, 1) >> (bits(a, 2) & 31)));
        put(bit, "rol", a -> num(Integer.rotateLeft(bits(a, 1), bits(a, 2) & 31)));
        put(bit, "ror", a -> num(Integer.rotateRight(bits(a, 1), bits(a, 2) & 31)));
        put(bit, "bswap", a -> num(Integer.reverseBytes(bits(a, 1))));
        put(bit, "tohex", a -> {
            int b = bits(a, 1);
            int n = a.isnoneornil(2) ? 8 : bits(a, 2);
            boolean upper = n < 0;
            n = Math.min(Math.abs(n), 8);
            String hex = String.format(upper ? "%08X" : "%08x", b);
            return LuaValue.valueOf(hex.substring(8 - n));
        });
        return bit;
    }

    private static void put(LuaTable table, String name, Op op) {
        table.rawset(name, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return op.apply(args);
            }
        });
    }

    /** LuaBitOp's conversion: the number rounded, then taken modulo 2^32 as a signed int. */
    private static int bits(Varargs args, int index) {
        LuaValue value = args.arg(index);
        if (!value.isnumber()) {
            throw new LuaError("bad argument #" + index + " to '?' (number expected, got " + value.typename() + ")");
        }
        double d = value.todouble();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return 0;
        }
        return (int) (long) Math.rint(d % 4294967296.0);
    }

    private static LuaValue num(int value) {
        return LuaValue.valueOf(value);
    }
}
