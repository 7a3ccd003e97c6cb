package kv.server.config;

import java.nio.file.Path;

import kv.server.KvServerApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad setting stops kv-server's start-up with one line that names it. */
@ExtendWith(OutputCaptureExtension.class)
class InvalidSettingsTest {

    @TempDir
    Path data;

    private void start(String... settings) {
        String[] args = new String[settings.length + 1];
        System.arraycopy(settings, 0, args, 0, settings.length);
        args[settings.length] = "--kv.server.data-dir=" + data;
        new SpringApplicationBuilder(KvServerApplication.class).web(WebApplicationType.NONE).run(args);
    }

    @Test
    void aPortOutOfRangeStopsStartUpNamingTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("--kv.server.port=70000")).isInstanceOf(RuntimeException.class);
        assertThat(output.getAll()).contains(
                "Invalid setting: kv.server.port=70000: must be less than or equal to 65535 (from ");
        assertThat(output.getAll()).doesNotContain("Bindable");
    }

    @Test
    void aNestedLimitOfZeroNamesTheSettingInItsDashedForm(CapturedOutput output) {
        assertThatThrownBy(() -> start("--kv.server.io-threads=0", "--kv.server.limits.max-args=0"))
                .isInstanceOf(RuntimeException.class);
        assertThat(output.getAll()).contains("Invalid settings: ")
                .contains("kv.server.io-threads=0: must be greater than or equal to 1")
                .contains("kv.server.limits.max-args=0: must be greater than or equal to 1");
    }

    @Test
    void anErrorInTheAclFileStopsStartUpWithItsLineNumber() throws java.io.IOException {
        Path users = data.resolveSibling(data.getFileName() + "-users.acl");
        java.nio.file.Files.writeString(users, "user alice on >pw ~a:* +get\nuser bob on bogus\n");
        assertThatThrownBy(() -> start("--kv.server.port=0", "--kv.server.acl-file=" + users))
                .hasStackTraceContaining("kv.server.acl-file " + users + ": " + users
                        + ":2: Syntax error. WARNING: ACL errors detected"); // Redis 7.0 names only an unknown command's rule
    }
}
