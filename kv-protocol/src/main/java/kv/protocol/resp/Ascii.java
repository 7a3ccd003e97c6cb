package kv.protocol.resp;

import java.nio.charset.StandardCharsets;

/** Case folding for command names and keywords, which RESP defines as ASCII. */
public final class Ascii {

    private Ascii() {
    }

    public static String lower(byte[] bytes) {
        byte[] lower = null;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b >= 'A' && b <= 'Z') {
                if (lower == null) {
                    lower = bytes.clone();
                }
                lower[i] = (byte) (b + 32);
            }
        }
        return new String(lower == null ? bytes : lower, StandardCharsets.ISO_8859_1);
    }

    private static int fold(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    public static boolean equalsIgnoreCase(byte[] bytes, String word) {
        if (bytes.length != word.length()) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (fold(bytes[i]) != fold(word.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
