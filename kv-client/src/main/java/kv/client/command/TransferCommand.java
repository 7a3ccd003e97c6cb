package kv.client.command;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import kv.client.render.Console;
import kv.client.transfer.TransferOptions;
import org.springframework.shell.core.command.ExitStatus;

/**
 * The base of the bulk tools (export, import, migrate, backup, restore): shell commands of
 * their own, with {@code --name value} options, that report progress and a summary on stderr.
 * A connection that fails is exit code 3, a wrong command line 2, anything kv refused 1.
 */
abstract class TransferCommand extends KvCommand implements TakesOptions {

    private final Set<String> options;

    protected TransferCommand(String name, String description, String usage, Set<String> options) {
        super(name, description, CommandGroups.SHELL, usage);
        this.options = options;
    }

    @Override
    protected final ExitStatus run(List<String> args, Console console) throws Exception {
        TransferOptions parsed;
        try {
            parsed = TransferOptions.parse(args, options);
        }
        catch (IllegalArgumentException e) {
            console.error(e.getMessage());
            return usageError(console);
        }
        try {
            return run(parsed, console);
        }
        catch (IllegalArgumentException e) {
            console.error(e.getMessage());
            return usageError(console);
        }
        catch (java.net.ConnectException | java.net.UnknownHostException | java.net.SocketTimeoutException e) {
            console.error("cannot reach " + getName() + "'s server: " + e.getMessage());
            return Outcomes.UNREACHABLE;
        }
        catch (IOException e) {
            console.error(getName() + " failed: " + e.getMessage());
            return Outcomes.ERROR_REPLY;
        }
    }

    protected abstract ExitStatus run(TransferOptions options, Console console) throws Exception;

    /** Where progress goes: stderr, in every mode (it is never part of an answer). */
    static java.io.PrintWriter progressOutput() {
        return new java.io.PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8),
                true);
    }

    /** {@code 1234567} bytes as {@code 1.2 MB}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024);
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1024.0 / 1024 / 1024);
    }

    /** Seconds as {@code 12.3 s} and a rate of keys in them. */
    static String timing(long keys, double seconds) {
        return String.format(Locale.ROOT, "%.1f s (%,d keys/s)", seconds, (long) (keys / Math.max(seconds, 1e-3)));
    }
}
