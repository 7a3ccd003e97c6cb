package kv.proxy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** kv-proxy: the caching proxy in front of kv servers (being built; see README). */
@SpringBootApplication
public class KvProxyApplication {

    public static void main(String[] args) {
        SpringApplication.run(KvProxyApplication.class, args);
    }
}
