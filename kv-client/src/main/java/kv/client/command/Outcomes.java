package kv.client.command;

import org.springframework.shell.core.command.ExitStatus;

/**
 * The exit statuses of kv's shell commands, which one-shot mode turns into process exit codes:
 * 0 done, 1 kv answered with an error, 2 the command was typed wrong, 3 kv could not be reached.
 */
public final class Outcomes {

    public static final ExitStatus OK = ExitStatus.OK;
    public static final ExitStatus ERROR_REPLY = new ExitStatus(1, "kv answered with an error");
    public static final ExitStatus USAGE = new ExitStatus(2, "wrong usage");
    public static final ExitStatus UNREACHABLE = new ExitStatus(3, "cannot reach kv");

    private Outcomes() {
    }
}
