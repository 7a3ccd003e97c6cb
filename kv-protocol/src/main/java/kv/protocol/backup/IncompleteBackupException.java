package kv.protocol.backup;

import java.io.IOException;

/** A backup directory that is not a whole kv backup: no manifest, a cut-off one, or files that differ from it. */
public class IncompleteBackupException extends IOException {

    public IncompleteBackupException(String message) {
        super(message);
    }
}
