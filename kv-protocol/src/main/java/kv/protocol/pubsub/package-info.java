/**
 * Pub/sub shared by kv's services: the {@link kv.protocol.pubsub.PubSub} hub (channels and
 * patterns to subscribers), each client's {@link kv.protocol.pubsub.Subscriptions} and the
 * {@link kv.protocol.pubsub.Message}s sent to them.
 *
 * <h2>Serving subscribers in a service (kv-server does this; kv-proxy can)</h2>
 * <ol>
 * <li>Make one {@code PubSub} (a bean) and register a
 *     {@link kv.protocol.endpoint.PubSubCommandGroup} over it with the service's dispatcher: it
 *     answers SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB. Mark their
 *     specs {@code "proxy": "local"} once the proxy registers it.</li>
 * <li>In the dispatcher, after the command is found and its arity checked, answer
 *     {@link kv.protocol.endpoint.PubSubCommandGroup#refusal} if it is not null (RESP2's
 *     subscriber mode), as kv-server's {@code CommandDispatcher} does.</li>
 * <li>Nothing else: every {@link kv.protocol.endpoint.Client} has its {@code Subscriptions};
 *     {@link kv.protocol.endpoint.RespConnection} points them at its non-blocking push queue,
 *     releases held messages once a confirmation is written, drops the subscriptions on close,
 *     and closes a subscriber past its {@link kv.protocol.endpoint.OutputBufferLimit}
 *     ({@code RespConnection.pubSubLimit}, Redis's {@code 32mb 8mb 60} unless set). RESET drops
 *     them too ({@code ConnectionCommandGroup}).</li>
 * </ol>
 *
 * <h2>Relaying a backend's messages (kv-proxy)</h2>
 * Call {@link kv.protocol.pubsub.PubSub#publish(byte[], byte[])} with each {@code message}
 * received from a backend's subscription (from any thread: it never waits for a subscriber);
 * for a pattern subscription relayed as such, publish the channel it names, and the proxy's own
 * pattern subscribers match it. {@link kv.protocol.pubsub.PubSub#channels},
 * {@link kv.protocol.pubsub.PubSub#subscribers} and {@link kv.protocol.pubsub.PubSub#patterns}
 * tell which channels and patterns the proxy's clients want, to subscribe the backends to them.
 * Publish each publication once: a backend connection subscribed to a channel and to a pattern
 * matching it receives both a {@code message} and a {@code pmessage} for one PUBLISH.
 */
package kv.protocol.pubsub;
