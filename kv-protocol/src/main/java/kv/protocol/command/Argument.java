package kv.protocol.command;

import java.util.List;

/**
 * One argument of a command, as Redis's specs and {@code COMMAND DOCS} describe it: help lines,
 * the shell's completion and redis-cli's hints are built from these.
 *
 * @param name the argument's name
 * @param type {@code key}, {@code string}, {@code integer}, {@code double}, {@code pattern},
 *             {@code unix-time}, {@code pure-token}, {@code oneof} or {@code block}
 * @param token the literal word before the value ({@code EX}), or null
 * @param display how help shows the value, or null for the name
 * @param keySpecIndex which key spec a {@code key} argument belongs to, or -1
 * @param since the version that added it, or null
 * @param arguments the choices of a {@code oneof}, the parts of a {@code block}
 */
public record Argument(String name, String type, String token, String display, int keySpecIndex,
                       boolean optional, boolean multiple, boolean multipleToken, String since,
                       List<Argument> arguments) {

    /** This argument as help writes it: {@code [EX seconds|PX milliseconds]}, {@code key [key ...]}. */
    public String syntax() {
        String value = switch (type) {
            case "pure-token" -> "";
            case "oneof" -> join(arguments, "|");
            case "block" -> join(arguments, " ");
            default -> display != null ? display : name;
        };
        String body = token == null ? value : value.isEmpty() ? token : token + " " + value;
        if (multiple) {
            body = body + " [" + (multipleToken ? body : value) + " ...]";
        }
        return optional ? "[" + body + "]" : body;
    }

    private static String join(List<Argument> arguments, String separator) {
        StringBuilder text = new StringBuilder();
        for (Argument argument : arguments) {
            if (!text.isEmpty()) {
                text.append(separator);
            }
            text.append(argument.syntax());
        }
        return text.toString();
    }
}
