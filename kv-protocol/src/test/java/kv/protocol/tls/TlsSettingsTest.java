package kv.protocol.tls;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsSettingsTest {

    private static TlsSettings settings(String protocols, AuthClients auth, String cert, String key, String ca) {
        return new TlsSettings(6380, cert, key, null, null, null, null, ca, auth, protocols, null);
    }

    @Test
    void tls12And13AreTheDefaultAndTheOnlyVersions() {
        assertThat(TlsSettings.OFF.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(settings("TLSv1.3", AuthClients.NO, null, null, null).protocols()).containsExactly("TLSv1.3");
        assertThatThrownBy(() -> settings("TLSv1.1 TLSv1.2", AuthClients.NO, null, null, null))
                .hasMessageContaining("'TLSv1.1' is not supported");
    }

    @Test
    void aTlsPortWithoutCertificateOrKeyNamesTheMissingSetting() {
        assertThatThrownBy(() -> settings("TLSv1.2", AuthClients.NO, null, null, null).server("kv.server"))
                .hasMessageContaining("kv.server.tls-cert-file is not set");
    }

    @Test
    void clientCertificatesNeedACaFileUnlessNoneIsAskedFor() {
        assertThatThrownBy(() -> settings("TLSv1.2", AuthClients.OPTIONAL, "a.crt", "a.key", null).server("kv.proxy"))
                .hasMessageContaining("kv.proxy.tls-ca-cert-file");
    }

    @Test
    void anUnreadableFileIsNamed() {
        assertThatThrownBy(() -> settings("TLSv1.2", AuthClients.NO, "/nonexistent/server.crt", "/nonexistent/server.key",
                null).server("kv.server")).hasMessageContaining("cannot read TLS file /nonexistent/server.crt");
    }

    @Test
    void addressLiteralsAreNotHostNames() {
        assertThat(TlsSettings.isAddressLiteral("127.0.0.1")).isTrue();
        assertThat(TlsSettings.isAddressLiteral("::1")).isTrue();
        assertThat(TlsSettings.isAddressLiteral("localhost")).isFalse();
        assertThat(TlsSettings.isAddressLiteral("kv-1.example")).isFalse();
    }

    @Test
    void thePortIsInRange() {
        assertThatThrownBy(() -> new TlsSettings(70000, null, null, null, null, null, null, null, AuthClients.YES,
                "TLSv1.2", null)).hasMessageContaining("tls-port");
    }
}
