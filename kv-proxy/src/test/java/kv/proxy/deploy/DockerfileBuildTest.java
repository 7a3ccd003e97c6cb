package kv.proxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile's build stage, run without Docker: exactly what its COPY lines copy (less what
 * .dockerignore leaves out) goes into an empty folder, and its RUN command runs there. A module
 * the root pom lists but the stage does not copy fails here as it fails in {@code docker build}
 * ("Child module ... does not exist"). The command runs as written, not offline: this test runs
 * in kv-proxy's build, before the reactor has built kv-client and bench, so on a clean machine
 * their dependencies may not be in the local repository yet. With them there it takes about 30 s.
 */
class DockerfileBuildTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path context;

    @TempDir
    Path logs;

    @Test
    void theBuildStageBuildsEveryServicesJarFromWhatItCopies() throws Exception {
        List<String> lines = instructions(Files.readAllLines(ROOT.resolve("Dockerfile")));
        int second = indexOfFrom(lines, 1);
        List<String> build = lines.subList(0, second);
        List<String> runtime = lines.subList(second, lines.size());

        List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        Path workdir = context;
        String run = null;
        for (String line : build) {
            String[] words = line.split("\\s+");
            switch (words[0].toUpperCase()) {
                case "WORKDIR" -> workdir = context; // the build stage works in one folder (/src)
                case "COPY" -> {
                    assertThat(words).as("a plain COPY in the build stage: " + line).noneMatch(w -> w.startsWith("--"));
                    Path target = workdir.resolve(words[words.length - 1]).normalize();
                    for (String source : Arrays.copyOfRange(words, 1, words.length - 1)) {
                        copy(ROOT.resolve(source), target, words[words.length - 1], ignored);
                    }
                }
                case "RUN" -> {
                    assertThat(run).as("one RUN in the build stage").isNull();
                    run = line.substring(3).strip();
                }
                default -> { }
            }
        }
        assertThat(run).as("the build stage's RUN").startsWith("mvn ");

        Path log = logs.resolve("build.log");
        Process maven = new ProcessBuilder("sh", "-c", run)
                .directory(workdir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = maven.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            maven.destroyForcibly();
        }
        assertThat(finished && maven.exitValue() == 0)
                .as("'%s' in a folder holding only what the build stage copies:%n%s", run, tail(log)).isTrue();

        // The runtime stage copies /src/${SERVICE}/target/${SERVICE}.jar for each service compose builds.
        String jar = runtime.stream().filter(line -> line.startsWith("COPY --from=build")).findFirst().orElseThrow()
                .split("\\s+")[2].replaceFirst("^/src/", "");
        for (String service : List.of("kv-server", "kv-proxy", "kv-client")) {
            assertThat(workdir.resolve(jar.replace("${SERVICE}", service))).as("jar of " + service).isRegularFile();
        }
    }

    /** The Dockerfile's instructions, one a line: comments dropped, continuation lines joined. */
    private static List<String> instructions(List<String> lines) {
        List<String> joined = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            joined.add(current.append(line).toString());
            current.setLength(0);
        }
        return joined;
    }

    private static int indexOfFrom(List<String> lines, int occurrence) {
        int seen = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).toUpperCase().startsWith("FROM ") && ++seen == occurrence) {
                return i;
            }
        }
        throw new AssertionError("the Dockerfile has fewer than " + (occurrence + 1) + " stages");
    }

    /**
     * As Docker's COPY: a directory's contents go into the target; a file goes into it when it
     * names a folder ({@code .} or a trailing slash), else becomes it.
     */
    private static void copy(Path source, Path target, String targetWord, List<String> ignored) throws IOException {
        assertThat(source).as("COPY source").exists();
        if (Files.isRegularFile(source)) {
            boolean intoFolder = targetWord.equals(".") || targetWord.endsWith("/");
            Path file = intoFolder ? target.resolve(source.getFileName().toString()) : target;
            Files.createDirectories(file.getParent());
            Files.copy(source, file, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path path : (Iterable<Path>) tree::iterator) {
                if (ignored(ROOT.relativize(path), ignored)) {
                    continue;
                }
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                }
                else {
                    Files.createDirectories(copy.getParent());
                    Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** True if .dockerignore leaves {@code relative} out: a pattern matches it or a folder above it. */
    private static boolean ignored(Path relative, List<String> patterns) {
        for (String pattern : patterns) {
            List<PathMatcher> matchers = new ArrayList<>(List.of(FileSystems.getDefault().getPathMatcher("glob:" + pattern)));
            if (pattern.startsWith("**/")) { // Docker's ** also matches no folder at all
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)));
            }
            for (Path prefix = relative; prefix != null; prefix = prefix.getParent()) {
                for (PathMatcher matcher : matchers) {
                    if (matcher.matches(prefix)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
