package kv.proxy.config;

import kv.proxy.KvProxyApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad setting stops kv-proxy's start-up with one line that names it. */
@ExtendWith(OutputCaptureExtension.class)
class InvalidSettingsTest {

    private static void start(String... args) {
        new SpringApplicationBuilder(KvProxyApplication.class).web(WebApplicationType.NONE).run(args);
    }

    @Test
    void aPoolOfZeroStopsStartUpNamingTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("--kv.proxy.pool-size=0")).isInstanceOf(RuntimeException.class);
        assertThat(output.getAll()).contains(
                "Invalid setting: kv.proxy.pool-size=0: must be greater than or equal to 1 (from ");
    }

    @Test
    void aPortOutOfRangeStopsStartUpNamingTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("--kv.proxy.port=70000")).isInstanceOf(RuntimeException.class);
        assertThat(output.getAll()).contains(
                "Invalid setting: kv.proxy.port=70000: must be less than or equal to 65535 (from ");
    }
}
