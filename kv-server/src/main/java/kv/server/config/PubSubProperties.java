package kv.server.config;

import kv.protocol.endpoint.OutputBufferLimit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The pub/sub settings under {@code kv.server}, named after Redis's parameters (kept apart from
 * {@link KvServerProperties} so that each group of settings stays small).
 *
 * @param notifyKeyspaceEvents Redis's {@code notify-keyspace-events}: which keyspace
 *                             notifications are published, as its flag letters ({@code KEA},
 *                             {@code Ex}, ...; empty: none, the default); CONFIG SET changes it at run time
 * @param clientOutputBufferLimitPubsub Redis's {@code client-output-buffer-limit pubsub}:
 *                             {@code <hard> <soft> <soft seconds>}; a subscriber whose unsent
 *                             output reaches the hard limit, or stays over the soft one that long, is closed
 */
@ConfigurationProperties("kv.server")
public record PubSubProperties(
        @DefaultValue("") String notifyKeyspaceEvents,
        @DefaultValue("32mb 8mb 60") String clientOutputBufferLimitPubsub) {

    public PubSubProperties {
        outputLimit(clientOutputBufferLimitPubsub); // refuse a wrong one at start
    }

    public OutputBufferLimit outputLimit() {
        return outputLimit(clientOutputBufferLimitPubsub);
    }

    private static OutputBufferLimit outputLimit(String text) {
        try {
            return OutputBufferLimit.parse(text);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kv.server.client-output-buffer-limit-pubsub: " + e.getMessage(), e);
        }
    }
}
