package kv.client.shell;

import kv.client.command.RemoteCommand;
import kv.client.connection.KvConnection;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.jline.CommandCompleter;
import org.springframework.shell.jline.JLineInputProvider;
import org.springframework.shell.jline.PromptProvider;

/**
 * The pieces of Spring Shell that kv replaces: the parser, the registry (filled from the command
 * table), the completer and the prompt, which shows where commands go.
 */
@Configuration(proxyBeanMethods = false)
public class ShellConfiguration {

    @Bean
    public KvCommandParser commandParser() {
        return new KvCommandParser();
    }

    @Bean
    public CommandRegistry commandRegistry(KvConnection connection) {
        return new KvCommandRegistry(spec -> RemoteCommand.passThrough(spec, connection));
    }

    @Bean
    public CommandCompleter commandCompleter(CommandRegistry registry) {
        return new KvCompleter(registry);
    }

    @Bean
    public PromptProvider promptProvider(KvConnection connection) {
        return () -> new AttributedString("kv " + connection.target() + "> ",
                AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN));
    }

    @Bean
    @Lazy
    public InteractiveShell interactiveShell(JLineInputProvider input, CommandRunner runner, KvConnection connection) {
        return new InteractiveShell(input, runner, connection);
    }
}
