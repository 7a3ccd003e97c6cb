package kv.client.command;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

import kv.client.render.Console;
import kv.client.transfer.TransferOptions;
import kv.protocol.backup.BackupRestore;
import kv.protocol.backup.IncompleteBackupException;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.stereotype.Component;

/**
 * {@code restore BACKUP_DIR DATA_DIR}: checks a backup (its manifest, every file's size and
 * CRC-32C) and copies it into a new data directory for a kv-server to start on (see
 * {@link BackupRestore}). Runs on this machine, without a server; refuses a data directory that
 * is not empty, and leaves nothing behind when the backup is incomplete or damaged.
 */
@Component
public class RestoreCommand extends TransferCommand {

    public RestoreCommand() {
        super("restore", "Check a backup and copy it into a new data directory (no server needed)",
                "RESTORE BACKUP_DIR DATA_DIR", Set.of());
    }

    @Override
    protected ExitStatus run(TransferOptions options, Console console) throws IOException {
        if (options.positional().size() != 2) {
            return usageError(console);
        }
        Path backup = Path.of(options.positional().get(0));
        Path data = Path.of(options.positional().get(1));
        long start = System.nanoTime();
        BackupRestore.Restored restored;
        try {
            restored = BackupRestore.restore(backup, data);
        }
        catch (IncompleteBackupException e) {
            console.error("not restored: " + e.getMessage());
            return Outcomes.ERROR_REPLY;
        }
        catch (DirectoryNotEmptyException e) {
            console.error("not restored: the data directory is not empty: " + e.getMessage());
            return Outcomes.ERROR_REPLY;
        }
        console.println(String.format(Locale.ROOT, "restored the backup of %s into %s: %d files, %s, checked",
                restored.manifest().created(), restored.dataDir(), restored.manifest().files().size(),
                size(restored.manifest().bytes())));
        console.note(String.format(Locale.ROOT, "(%.1f s; start kv-server on it with --kv.server.data-dir=%s)",
                (System.nanoTime() - start) / 1e9, restored.dataDir()));
        return Outcomes.OK;
    }
}
