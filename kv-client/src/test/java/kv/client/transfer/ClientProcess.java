package kv.client.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** kv-client run as a script runs it: its own JVM, one command, its stdout, stderr and exit code. */
final class ClientProcess {

    /** What a finished client process left behind. */
    record Run(int exitCode, String out, String err) {
    }

    private ClientProcess() {
    }

    static Process start(Path workDir, int port, String... words) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "kv.client.KvClientApplication",
                "--kv.client.port=" + port));
        command.addAll(List.of(words));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("NO_COLOR", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        outputs.put(process, new Path[] {out, err});
        return process;
    }

    private static final java.util.Map<Process, Path[]> outputs = new java.util.concurrent.ConcurrentHashMap<>();

    static Run finish(Process process) throws Exception {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kv-client did not exit within 120 s");
        }
        Path[] files = outputs.remove(process);
        return new Run(process.exitValue(), Files.readString(files[0]), Files.readString(files[1]));
    }

    static Run run(Path workDir, int port, String... words) throws Exception {
        return finish(start(workDir, port, words));
    }
}
