package kv.client;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad setting stops the shell before it starts, with one line that names it. */
@ExtendWith(OutputCaptureExtension.class)
class InvalidSettingsTest {

    @Test
    void aPortOutOfRangeStopsTheShellNamingTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(KvClientApplication.class).web(WebApplicationType.NONE)
                .properties(Map.of("spring.config.name", "kv-client")).run("--kv.client.port=70000", "ping"))
                .isInstanceOf(RuntimeException.class);
        assertThat(output.getAll()).contains(
                "Invalid setting: kv.client.port=70000: must be less than or equal to 65535 (from ");
    }
}
