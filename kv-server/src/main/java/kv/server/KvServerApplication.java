package kv.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** kv-server: a durable key-value server that speaks RESP. {@code java -jar kv-server.jar}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KvServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(KvServerApplication.class, args);
    }
}
