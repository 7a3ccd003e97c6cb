package kv.server.config;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The server's users, under {@code kv.server} as Redis names them.
 *
 * @param requirepass the {@code default} user's password ({@code KV_SERVER_REQUIREPASS}); unset
 *                    or empty: the default user needs none ({@code nopass})
 * @param aclFile an ACL file in Redis's format ({@code user alice on >secret ~app:* +@read});
 *                ACL LOAD and ACL SAVE read and write it; an error in it fails start-up
 * @param protectedMode with no password for the default user and a bind address that is not
 *                      loopback, connections from other addresses than 127.0.0.1 and ::1 are refused
 */
@ConfigurationProperties("kv.server")
public record AccessProperties(String requirepass, Path aclFile, @DefaultValue("true") boolean protectedMode) {

    @Override
    public String toString() {
        return "AccessProperties[requirepass=" + (requirepass == null ? "unset" : "******") + ", aclFile=" + aclFile
                + ", protectedMode=" + protectedMode + "]";
    }
}
