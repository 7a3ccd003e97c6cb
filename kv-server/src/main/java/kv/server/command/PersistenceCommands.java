package kv.server.command;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.server.backup.Backups;
import kv.server.session.ClientSession;
import kv.server.store.KeyValueStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * BGSAVE, SAVE, LASTSAVE and kv's BACKUP: online backups of the store (see {@link Backups}),
 * in Redis's shapes, and the fields they add to INFO's {@code # Persistence}.
 *
 * <p>Where kv differs from Redis: a backup is a directory (a RocksDB checkpoint and its
 * manifest), not {@code dump.rdb}; BGSAVE writes a new one under {@code kv.server.backup-dir}
 * each time and keeps the old ones; SAVE waits for the backup but holds up only the client that
 * sent it; {@code rdb_changes_since_last_save} counts write commands that succeeded, where Redis
 * counts the keys they changed.
 */
@Component
public class PersistenceCommands implements CommandGroup<ClientSession> {

    private static final String IN_PROGRESS = "ERR Background save already in progress";

    private final Backups backups;
    private final KeyValueStore store;
    private final ObjectProvider<CommandDispatcher> dispatcher;
    private final Executor saveWaiters = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "kv-save");
        thread.setDaemon(true);
        return thread;
    });

    public PersistenceCommands(Backups backups, KeyValueStore store, ObjectProvider<CommandDispatcher> dispatcher) {
        this.backups = backups;
        this.store = store;
        this.dispatcher = dispatcher;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("bgsave", this::bgsave);
        handlers.put("backup", this::backup);
        handlers.put("lastsave", this::lastsave);
        handlers.put("save", new BackgroundCommand() {
            @Override
            public Callable<RespValue> prepare(Request request, ClientSession session) {
                return save();
            }

            @Override
            public Executor executor() {
                return saveWaiters;
            }
        });
    }

    /** {@code BGSAVE [SCHEDULE]}: a backup under {@code kv.server.backup-dir}, named after the time. */
    RespValue bgsave(Request request, ClientSession session) {
        if (request.size() > 2 || (request.size() == 2 && !request.argIs(1, "schedule"))) {
            return Replies.SYNTAX_ERROR;
        }
        return start(backups.nextDirectory());
    }

    /** {@code BACKUP dir}: kv's BGSAVE into a directory that must not exist or be empty. */
    RespValue backup(Request request, ClientSession session) {
        return start(backups.resolve(request.argString(1)));
    }

    /**
     * Inside MULTI, Redis answers "scheduled" and saves after the EXEC: here the backup starts
     * at once and waits for the open atomic unit (see {@link KeyValueStore#checkpoint}), which
     * comes to the same.
     */
    private RespValue start(Path target) {
        try {
            return switch (backups.start(target, writes())) {
                case STARTED -> store.inAtomicUnit() ? new RespValue.SimpleString("Background saving scheduled")
                        : new RespValue.SimpleString("Background saving started");
                case ALREADY_RUNNING -> Replies.error(IN_PROGRESS);
            };
        }
        catch (IllegalArgumentException e) {
            return Replies.error("ERR " + e.getMessage());
        }
    }

    private Callable<RespValue> save() {
        Path target = backups.nextDirectory();
        long writes = writes();
        return () -> {
            if (backups.start(target, writes) == Backups.Start.ALREADY_RUNNING) {
                return Replies.error(IN_PROGRESS);
            }
            Backups.State done = backups.awaitIdle();
            return done.lastOk() ? Replies.OK : Replies.error("ERR " + done.lastError());
        };
    }

    /** {@code LASTSAVE}: when the last successful backup's point was taken, in Unix seconds. */
    RespValue lastsave(Request request, ClientSession session) {
        return new RespValue.Integer(backups.state().lastSaveMillis() / 1000);
    }

    /** Redis's {@code rdb_*} fields of INFO's {@code # Persistence}, and kv's backup directories. */
    public void persistenceInfo(Map<String, Object> fields) {
        Backups.State state = backups.state();
        long now = System.currentTimeMillis();
        fields.put("rdb_changes_since_last_save", Math.max(0, writes() - state.writesAtLastSave()));
        fields.put("rdb_bgsave_in_progress", state.inProgress() ? 1 : 0);
        fields.put("rdb_last_save_time", state.lastSaveMillis() / 1000);
        fields.put("rdb_last_bgsave_status", state.lastOk() ? "ok" : "err");
        fields.put("rdb_last_bgsave_time_sec", state.lastDurationMillis() < 0 ? -1 : state.lastDurationMillis() / 1000);
        fields.put("rdb_current_bgsave_time_sec", state.inProgress() ? (now - state.currentStartMillis()) / 1000 : -1);
        fields.put("rdb_saves", state.saves());
        fields.put("kv_backup_dir", backups.backupDir());
        fields.put("kv_last_backup_dir", state.lastDirectory() == null ? "" : state.lastDirectory());
        fields.put("kv_last_backup_time_ms", state.lastDurationMillis());
        fields.put("kv_last_backup_error", state.lastError() == null ? "" : state.lastError().replace('\n', ' '));
    }

    /** Write commands that succeeded since the start (or CONFIG RESETSTAT). */
    private long writes() {
        long writes = 0;
        for (Map.Entry<String, CommandStats> entry : dispatcher.getObject().stats().entrySet()) {
            boolean write = CommandTable.find(entry.getKey()).map(spec -> spec.is(CommandFlag.WRITE)).orElse(false);
            if (write) {
                writes += Math.max(0, entry.getValue().calls() - entry.getValue().failedCalls());
            }
        }
        return writes;
    }
}
