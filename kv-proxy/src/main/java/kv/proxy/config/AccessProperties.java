package kv.proxy.config;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The proxy's own users, under {@code kv.proxy} as Redis names them: they authenticate the
 * proxy's clients; the proxy's credentials for its backends are separate.
 *
 * @param requirepass the {@code default} user's password ({@code KV_PROXY_REQUIREPASS}); unset
 *                    or empty: the default user needs none
 * @param aclFile an ACL file in Redis's format; ACL LOAD and ACL SAVE read and write it; an
 *                error in it fails start-up
 * @param protectedMode with no password for the default user and a bind address that is not
 *                      loopback, connections from other addresses than 127.0.0.1 and ::1 are refused
 */
@ConfigurationProperties("kv.proxy")
public record AccessProperties(String requirepass, Path aclFile, @DefaultValue("true") boolean protectedMode) {

    @Override
    public String toString() {
        return "AccessProperties[requirepass=" + (requirepass == null ? "unset" : "******") + ", aclFile=" + aclFile
                + ", protectedMode=" + protectedMode + "]";
    }
}
