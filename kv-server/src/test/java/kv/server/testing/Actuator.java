package kv.server.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * HTTP requests to a kv service's Actuator on 127.0.0.1, with or without the Actuator user's
 * basic credentials, and the addresses its port listens on as the kernel reports them.
 */
public final class Actuator {

    /** The Actuator user the tests configure ({@code spring.security.user.*}). */
    public static final String USER = "ops";
    public static final String PASSWORD = "actuator-test-secret";

    /** The properties that create {@link #USER}. */
    public static final String[] CREDENTIALS = {
            "spring.security.user.name=" + USER, "spring.security.user.password=" + PASSWORD};

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;

    public Actuator(int port) {
        this.port = port;
    }

    public HttpResponse<String> get(String path) {
        return send("GET", path, null);
    }

    public HttpResponse<String> getAuthenticated(String path) {
        return send("GET", path, USER + ":" + PASSWORD);
    }

    public HttpResponse<String> send(String method, String path, String userAndPassword) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (userAndPassword != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The local addresses of the TCP sockets listening on {@code port} in this machine's network
     * namespace, from {@code /proc/net/tcp} and {@code /proc/net/tcp6} (what {@code ss -ltn}
     * reads): {@code 127.0.0.1}, {@code ::ffff:127.0.0.1}, {@code 0.0.0.0}, {@code ::}...
     */
    public static List<String> listeningAddresses(int port) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 4 || !fields[3].equals("0A")) { // 0A: TCP_LISTEN
                    continue;
                }
                String[] local = fields[1].split(":");
                if (Integer.parseInt(local[1], 16) == port) {
                    addresses.add(address(local[0]));
                }
            }
        }
        return addresses;
    }

    /** The kernel's hex form (each 32-bit word in host byte order, little-endian here) as text. */
    private static String address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + 3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= bytes[i] == 0;
        }
        mapped &= bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        if (mapped) {
            return "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "."
                    + (bytes[15] & 0xff);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            text.append(i == 0 ? "" : ":").append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
        }
        return text.toString().toLowerCase(Locale.ROOT).equals("0:0:0:0:0:0:0:0") ? "::" : text.toString();
    }
}
