package kv.server.raft;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * Where the state machine's snapshots live: each one a RocksDB checkpoint directory
 * {@code snapshot.<term>_<index>} in Ratis's state machine directory. Ratis sends a follower
 * that fell behind the files of the latest one (paths relative to that directory) and moves
 * them into the follower's own; {@link StoreStateMachine} then copies the checkpoint into the store.
 */
final class CheckpointStorage implements StateMachineStorage {

    private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

    private volatile File directory;
    private volatile SnapshotInfo latest;

    @Override
    public void init(RaftStorage storage) {
        directory = storage.getStorageDir().getStateMachineDir();
        refresh();
    }

    File directory() {
        return directory;
    }

    /** The directory of the snapshot at {@code last}. */
    Path path(TermIndex last) {
        return directory.toPath().resolve("snapshot." + last.getTerm() + "_" + last.getIndex());
    }

    /** Looks at the directory again (after a snapshot was taken or installed). */
    void refresh() {
        latest = find();
    }

    private SnapshotInfo find() {
        File[] names = directory == null ? null : directory.listFiles();
        if (names == null) {
            return null;
        }
        File best = null;
        long bestIndex = -1;
        long bestTerm = 0;
        for (File name : names) {
            Matcher matcher = NAME.matcher(name.getName());
            if (name.isDirectory() && matcher.matches() && Long.parseLong(matcher.group(2)) > bestIndex) {
                best = name;
                bestTerm = Long.parseLong(matcher.group(1));
                bestIndex = Long.parseLong(matcher.group(2));
            }
        }
        if (best == null) {
            return null;
        }
        try (Stream<Path> files = Files.walk(best.toPath())) {
            List<FileInfo> infos = files.filter(Files::isRegularFile).map(path -> new FileInfo(path, null)).toList();
            return new FileListSnapshotInfo(infos, bestTerm, bestIndex);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes every snapshot directory but {@code keep}. */
    void deleteAllBut(Path keep) throws IOException {
        File[] names = directory.listFiles();
        if (names == null) {
            return;
        }
        for (File name : names) {
            if (!name.toPath().equals(keep) && name.getName().startsWith("snapshot.")) {
                deleteTree(name.toPath());
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return latest;
    }

    @Override
    public void format() {
    }

    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {
        // takeSnapshot keeps only the newest one
    }
}
