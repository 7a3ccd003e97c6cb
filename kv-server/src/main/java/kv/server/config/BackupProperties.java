package kv.server.config;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where backups go (kept apart from {@link KvServerProperties}, as {@link PubSubProperties}).
 *
 * @param backupDir the directory under which {@code BGSAVE} writes each backup, as a
 *                  subdirectory named after its time ({@code kv.server.backup-dir},
 *                  {@code KV_SERVER_BACKUP_DIR}); also what a relative {@code BACKUP dir} is
 *                  resolved against
 */
@ConfigurationProperties("kv.server")
public record BackupProperties(@DefaultValue("./backups") Path backupDir) {
}
