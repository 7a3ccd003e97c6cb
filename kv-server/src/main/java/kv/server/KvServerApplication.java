package kv.server;

import kv.protocol.dashboard.DashboardConfiguration;
import kv.protocol.ops.ActuatorSecurityConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** kv-server: a durable key-value server that speaks RESP. {@code java -jar kv-server.jar}. */
@SpringBootApplication
@Import({ActuatorSecurityConfiguration.class, DashboardConfiguration.class})
@ConfigurationPropertiesScan
public class KvServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(KvServerApplication.class, args);
    }
}
