package kv.client.command;

/**
 * A shell command with {@code --name value} options of its own (the bulk tools): in one-shot
 * mode its words are taken from the command line as given, where Spring Boot would otherwise
 * read every {@code --word} as a setting. Settings ({@code --kv.client.port=7379}: a name with
 * a dot) still are.
 */
public interface TakesOptions {
}
