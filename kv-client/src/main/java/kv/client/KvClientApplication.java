package kv.client;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** kv-client: the kv shell (being built; see README). */
@SpringBootApplication
public class KvClientApplication {

    public static void main(String[] args) {
        SpringApplication.run(KvClientApplication.class, args);
    }
}
