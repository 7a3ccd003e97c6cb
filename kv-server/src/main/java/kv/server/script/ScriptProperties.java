package kv.server.script;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The scripts' settings, under {@code kv.server} beside the others ({@code KV_SERVER_BUSY_REPLY_THRESHOLD}).
 *
 * @param busyReplyThreshold how long a script runs before other clients get {@code -BUSY} and
 *                           SCRIPT KILL may stop it (Redis's {@code busy-reply-threshold},
 *                           formerly {@code lua-time-limit}: 5 s)
 */
@ConfigurationProperties("kv.server")
public record ScriptProperties(@DefaultValue("5s") Duration busyReplyThreshold) {
}
