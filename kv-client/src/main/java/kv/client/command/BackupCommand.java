package kv.client.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

import kv.client.connection.KvConnection;
import kv.client.connection.UnreachableException;
import kv.client.render.Console;
import kv.client.render.ReplyFormatter;
import kv.client.transfer.TransferOptions;
import kv.protocol.backup.BackupManifest;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * {@code backup DIR}: asks kv-server for an online backup into DIR (its {@code BACKUP}
 * command; DIR is a path on the server's machine, made absolute here from the working
 * directory), waits for it by polling {@code INFO persistence}, and reports how it went. The
 * server must be reached directly: kv-proxy has no backups of its own.
 */
@Component
public class BackupCommand extends TransferCommand {

    private static final long POLL_MILLIS = 100;

    private final KvConnection connection;

    public BackupCommand(KvConnection connection) {
        super("backup", "Take an online backup of kv-server into a directory, and wait for it",
                "BACKUP [--timeout seconds] DIR", Set.of("timeout"));
        this.connection = connection;
    }

    @Override
    protected ExitStatus run(TransferOptions options, Console console) throws InterruptedException {
        if (options.positional().size() != 1) {
            return usageError(console);
        }
        long timeoutMillis = options.number("timeout", 3600, 1) * 1000;
        Path dir = Path.of(options.positional().get(0)).toAbsolutePath().normalize();
        long start = System.nanoTime();
        try {
            RespValue reply = connection.send(Request.of("BACKUP", dir.toString())).value();
            if (reply instanceof RespValue.Error error) {
                console.error("(error) " + error.message());
                return Outcomes.ERROR_REPLY;
            }
            String info = "";
            for (long waited = 0; waited <= timeoutMillis; waited += POLL_MILLIS) {
                info = ReplyFormatter.text(connection.send(Request.of("INFO", "persistence")).value());
                if (info == null || !info.contains("rdb_bgsave_in_progress:1")) {
                    break;
                }
                Thread.sleep(POLL_MILLIS);
            }
            if (info != null && info.contains("rdb_bgsave_in_progress:1")) {
                console.error("the backup into " + dir + " is still running after " + timeoutMillis / 1000
                        + " s; INFO persistence tells when it ends");
                return Outcomes.ERROR_REPLY;
            }
            String last = field(info, "kv_last_backup_dir");
            if (!dir.toString().equals(last)) {
                console.error("kv-server's last backup is " + last + ", not " + dir + ": another one started meanwhile?");
                return Outcomes.ERROR_REPLY;
            }
            if (!"ok".equals(field(info, "rdb_last_bgsave_status"))) {
                console.error("the backup failed: " + field(info, "kv_last_backup_error"));
                return Outcomes.ERROR_REPLY;
            }
        }
        catch (UnreachableException e) {
            console.error(e.getMessage());
            return Outcomes.UNREACHABLE;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String contents = "";
        try {
            if (Files.isDirectory(dir)) { // on this machine too: say what is in it
                BackupManifest manifest = BackupManifest.read(dir);
                contents = String.format(Locale.ROOT, ": %d files, %s", manifest.files().size(), size(manifest.bytes()));
            }
        }
        catch (java.io.IOException e) {
            contents = " (its manifest could not be read here: " + e.getMessage() + ")";
        }
        console.println("backup written to " + dir + contents);
        console.note(String.format(Locale.ROOT, "(%.1f s; restore it with: kv restore %s NEW_DATA_DIR)", seconds, dir));
        return Outcomes.OK;
    }

    private static String field(String info, String name) {
        if (info == null) {
            return null;
        }
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }
}
