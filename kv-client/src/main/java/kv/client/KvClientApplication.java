package kv.client;

import kv.client.config.KvClientProperties;
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

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(KvClientApplication.class, args)));
    }
}
