package kv.proxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import kv.proxy.config.ProxyProperties;
import kv.server.config.KvServerProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so docker-compose.yml is checked by reading it: its services,
 * ports and environment must mean, to the applications' own settings binding, what they say.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Object>) compose.get("services");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> service = (Map<String, Object>) services().get(name);
        assertThat(service).as("service " + name).isNotNull();
        return service;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String name) throws IOException {
        return (Map<String, Object>) service(name).get("environment");
    }

    /** Binds {@code type} from the service's environment exactly as Spring Boot does from the real one. */
    private static <T> T bind(String service, String prefix, Class<T> type) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME + "-compose",
                Map.copyOf(environment(service))));
        ConfigurationPropertySources.attach(environment);
        return Binder.get(environment).bindOrCreate(prefix, type);
    }

    @Test
    void composeRunsTheServerTheProxyAndTheShell() throws IOException {
        assertThat(services()).containsKeys("kv-server", "kv-proxy", "kv-client");
        for (String name : List.of("kv-server", "kv-proxy", "kv-client")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) service(name).get("build");
            @SuppressWarnings("unchecked")
            Map<String, Object> args = (Map<String, Object>) build.get("args");
            assertThat(args).containsEntry("SERVICE", name);
            assertThat(ROOT.resolve(name).resolve("pom.xml")).as("module of " + name).exists();
        }
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).contains("/src/${SERVICE}/target/${SERVICE}.jar");
    }

    @Test
    void theServersEnvironmentBindsToItsSettingsAndItsPortsArePublished() throws IOException {
        KvServerProperties server = bind("kv-server", "kv.server", KvServerProperties.class);
        assertThat(server.bind()).isEqualTo("0.0.0.0");
        assertThat(server.port()).isEqualTo(7379);
        assertThat(server.dataDir()).isEqualTo(Path.of("/data"));
        assertThat(server.fsync().name()).isEqualTo("EVERYSEC");
        assertThat(environment("kv-server")).containsEntry("SERVER_PORT", "8081");
        // The Actuator listens on the container's every interface, and is published on the host's loopback only.
        assertThat(environment("kv-server")).containsEntry("SERVER_ADDRESS", "0.0.0.0");
        assertThat(service("kv-server").get("ports")).asList().contains("7379:7379", "127.0.0.1:8081:8081");
        assertThat(service("kv-server").get("volumes")).asList().contains("kv-data:/data");
    }

    @Test
    void theProxysEnvironmentBindsToItsSettingsAndPointsAtTheServer() throws IOException {
        ProxyProperties proxy = bind("kv-proxy", "kv.proxy", ProxyProperties.class);
        assertThat(proxy.bind()).isEqualTo("0.0.0.0");
        assertThat(proxy.port()).isEqualTo(7380);
        assertThat(proxy.backends()).hasSize(1);
        assertThat(proxy.backends().get(0).toString()).isEqualTo("kv-server:7379");
        assertThat(environment("kv-proxy")).containsEntry("SERVER_PORT", "8082");
        assertThat(environment("kv-proxy")).containsEntry("SERVER_ADDRESS", "0.0.0.0");
        assertThat(service("kv-proxy").get("ports")).asList().contains("7380:7380", "127.0.0.1:8082:8082");
    }

    @Test
    void theClusterProfileRunsThreeMembersOfOneGroupAndAProxyThatFollowsItsLeader() throws IOException {
        for (int i = 1; i <= 3; i++) {
            String name = "kv-node" + i;
            assertThat(service(name).get("profiles")).asList().containsExactly("cluster");
            KvServerProperties node = bind(name, "kv.server", KvServerProperties.class);
            assertThat(node.port()).isEqualTo(7379);
            assertThat(environment(name)).containsEntry("KV_SERVER_RAFT_ID", "n" + i)
                    .containsEntry("KV_SERVER_RAFT_PEERS", "n1@kv-node1:9001,n2@kv-node2:9001,n3@kv-node3:9001")
                    .containsEntry("KV_SERVER_RAFT_ADVERTISE_HOST", name);
            assertThat(service(name).get("volumes")).asList().contains(name + "-data:/data");
        }
        ProxyProperties proxy = bind("kv-proxy-cluster", "kv.proxy", ProxyProperties.class);
        assertThat(service("kv-proxy-cluster").get("profiles")).asList().containsExactly("cluster");
        assertThat(proxy.backends()).hasSize(1);
        assertThat(proxy.backends().get(0).members()).hasSize(3);
        assertThat(proxy.backends().get(0).toString()).isEqualTo("kv-node1:7379|kv-node2:7379|kv-node3:7379");
        assertThat(service("kv-proxy-cluster").get("ports")).asList().contains("7381:7380", "127.0.0.1:8086:8082");
    }

    @Test
    void theShellTalksToTheProxy() throws IOException {
        assertThat(environment("kv-client")).containsEntry("KV_CLIENT_HOST", "kv-proxy")
                .containsEntry("KV_CLIENT_PORT", "7380");
        assertThat(service("kv-client")).containsEntry("stdin_open", true).containsEntry("tty", true);
    }
}
