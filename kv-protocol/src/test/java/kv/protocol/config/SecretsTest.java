package kv.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.validation.FieldError;

class SecretsTest {

    @ParameterizedTest
    @CsvSource({"requirepass", "masterauth", "tls-key-file-pass", "tls-client-key-file-pass", "kv.server.requirepass",
            "kv.proxy.requirepass", "kv.proxy.backend-password", "spring.security.user.password",
            "KV_SERVER_REQUIREPASS", "kv.server.tls-key-password"})
    void aSettingNamedAsAPasswordIsMasked(String name) {
        assertThat(Secrets.shown(name, "hunter2")).isEqualTo("******");
    }

    @ParameterizedTest
    @CsvSource({"port", "bind", "tls-key-file", "tls-cert-file", "maxmemory-policy", "kv.proxy.backends", "passive-mode"})
    void otherSettingsShowTheirValue(String name) {
        assertThat(Secrets.shown(name, "value")).isEqualTo("value");
    }

    @ParameterizedTest
    @CsvSource({"requirepass", "masterauth"})
    void anUnsetPasswordStaysEmptyAsRedisShowsIt(String name) {
        assertThat(Secrets.shown(name, "")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "redis://alice:s3cret@127.0.0.1:7379 | redis://alice:******@127.0.0.1:7379",
        "rediss://:s3cret@kv1:6380 | rediss://:******@kv1:6380",
        "redis://s3cret@kv1 | redis://******@kv1",
        "127.0.0.1:7379,redis://bob:p%40ss@kv2:7379,rediss://carol:x@kv3 | 127.0.0.1:7379,redis://bob:******@kv2:7379,rediss://carol:******@kv3",
        "127.0.0.1:7379 | 127.0.0.1:7379",
        "user@example.org | user@example.org",
    })
    void aUrlShowsItsUserAndAddressButNotItsPassword(String value, String shown) {
        assertThat(Secrets.shown("kv.proxy.backends", value)).isEqualTo(shown);
    }

    @org.junit.jupiter.api.Test
    void aStartUpErrorNamesABadPasswordSettingWithoutItsValue() {
        FieldError error = new FieldError("kv.server", "requirepass", "hunter2", false, null, null, "must be longer");
        String line = SettingsFailureAnalyzer.line(ConfigurationPropertyName.of("kv.server"), error);
        assertThat(line).isEqualTo("kv.server.requirepass=******: must be longer").doesNotContain("hunter2");
    }
}
