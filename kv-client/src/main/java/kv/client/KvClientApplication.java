package kv.client;

import java.util.Map;

import kv.client.config.KvClientProperties;
import kv.client.connection.ClientFlags;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * kv-client: the kv shell. With no arguments an interactive Spring Shell; with arguments one
 * command ({@code java -jar kv-client.jar get Fname}) or a script ({@code -f file}), and the
 * process exits with the command's status.
 */
@SpringBootApplication
@EnableConfigurationProperties(KvClientProperties.class)
public class KvClientApplication {

    /**
     * The client's settings live in {@code kv-client.properties}, not {@code application.*}: the
     * tests put kv-server on the same class path, and neither should read the other's defaults.
     */
    public static final String CONFIG_NAME = "spring.config.name=kv-client";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(KvClientApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "kv-client"));
        String[] settings;
        try {
            settings = ClientFlags.translate(args); // --tls, --cacert, --user ... as redis-cli has them
        }
        catch (IllegalArgumentException e) {
            System.err.println("kv-client: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(SpringApplication.exit(application.run(settings)));
    }
}
