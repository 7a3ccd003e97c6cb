package kv.protocol.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * How passwords are kept: only as the lower-case hex SHA-256 Redis shows as {@code #<hash>}, and
 * compared in constant time, so that neither memory nor timing reveals them.
 */
public final class Passwords {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private Passwords() {
    }

    /** The hex SHA-256 of {@code password}. */
    public static String hash(byte[] password) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(password));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public static String hash(String password) {
        return hash(password.getBytes(StandardCharsets.UTF_8));
    }

    /** True if {@code text} is a hash as Redis accepts it: 64 characters of {@code 0-9a-f}. */
    public static boolean isHash(String text) {
        if (text.length() != 64) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /** True if the hash of {@code password} equals {@code storedHash}, compared without an early exit. */
    public static boolean matches(String storedHash, byte[] password) {
        return MessageDigest.isEqual(storedHash.getBytes(StandardCharsets.US_ASCII),
                hash(password).getBytes(StandardCharsets.US_ASCII));
    }

    /** ACL GENPASS: {@code bits} random bits (rounded up to whole hex digits) as lower-case hex. */
    public static String generate(int bits) {
        byte[] bytes = new byte[(bits + 7) / 8];
        RANDOM.nextBytes(bytes);
        String hex = HEX.formatHex(bytes);
        return hex.substring(0, (bits + 3) / 4);
    }
}
