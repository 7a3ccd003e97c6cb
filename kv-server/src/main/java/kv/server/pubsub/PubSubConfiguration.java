package kv.server.pubsub;

import kv.protocol.pubsub.PubSub;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The server's one pub/sub hub: what PUBLISH, keyspace notifications and tracking's REDIRECT publish into. */
@Configuration(proxyBeanMethods = false)
class PubSubConfiguration {

    @Bean
    PubSub pubSub() {
        return new PubSub();
    }
}
