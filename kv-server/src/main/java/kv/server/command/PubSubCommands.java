package kv.server.command;

import kv.protocol.endpoint.PubSubCommandGroup;
import kv.protocol.pubsub.PubSub;
import kv.server.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB: the shared
 * {@link PubSubCommandGroup} over the server's {@link PubSub}, which keyspace notifications and
 * tracking's REDIRECT publish into as well.
 */
@Component
public class PubSubCommands extends PubSubCommandGroup<ClientSession> {

    public PubSubCommands(PubSub pubSub) {
        super(pubSub);
    }
}
