package kv.protocol.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * {@code COMMAND}, {@code COMMAND COUNT|LIST|INFO|DOCS}, answered from the specs in Redis 7's
 * reply shapes, so that redis-cli's hints and client libraries' command discovery work. Each
 * service passes the commands it answers.
 */
public final class CommandIntrospection {

    private CommandIntrospection() {
    }

    /** The reply to {@code request} (a COMMAND request) about {@code specs}. */
    public static RespValue reply(Request request, Collection<CommandSpec> specs) {
        if (request.size() == 1) {
            List<RespValue> all = new ArrayList<>(specs.size());
            specs.forEach(spec -> all.add(info(spec)));
            return new RespValue.Array(all);
        }
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "count":
                return request.size() == 2 ? Replies.integer(specs.size()) : Replies.wrongArity("command|count");
            case "list": {
                List<RespValue> names = new ArrayList<>(specs.size());
                specs.forEach(spec -> names.add(Replies.bulk(spec.name())));
                return new RespValue.Array(names);
            }
            case "info": {
                if (request.size() == 2) {
                    return reply(Request.of(List.of(request.arg(0))), specs);
                }
                List<RespValue> infos = new ArrayList<>();
                for (int i = 2; i < request.size(); i++) {
                    CommandSpec spec = lookup(specs, request.argString(i));
                    infos.add(spec == null ? Replies.NULL : info(spec));
                }
                return new RespValue.Array(infos);
            }
            case "docs": {
                List<RespValue> docs = new ArrayList<>();
                if (request.size() == 2) {
                    specs.forEach(spec -> {
                        docs.add(Replies.bulk(spec.name()));
                        docs.add(docs(spec));
                    });
                }
                for (int i = 2; i < request.size(); i++) {
                    CommandSpec spec = lookup(specs, request.argString(i));
                    if (spec != null) {
                        docs.add(Replies.bulk(spec.name()));
                        docs.add(docs(spec));
                    }
                }
                return new RespValue.Map(docs);
            }
            default:
                return Replies.error("ERR unknown subcommand '" + request.argString(1)
                        + "'. Try COMMAND HELP.");
        }
    }

    /** A command, or a subcommand named {@code container|sub}, among {@code specs}. */
    private static CommandSpec lookup(Collection<CommandSpec> specs, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int bar = lower.indexOf('|');
        String top = bar < 0 ? lower : lower.substring(0, bar);
        for (CommandSpec spec : specs) {
            if (spec.name().equals(top)) {
                return bar < 0 ? spec : spec.subcommands().get(lower.substring(bar + 1));
            }
        }
        return null;
    }

    /** One command's {@code COMMAND INFO} entry, as Redis 7 writes it (ten elements). */
    public static RespValue info(CommandSpec spec) {
        List<RespValue> flags = new ArrayList<>();
        spec.flags().forEach(flag -> flags.add(new RespValue.SimpleString(flag.wireName())));
        List<RespValue> categories = new ArrayList<>();
        spec.aclCategories().forEach(category -> categories.add(new RespValue.SimpleString("@" + category)));
        List<RespValue> tips = new ArrayList<>();
        spec.tips().forEach(tip -> tips.add(new RespValue.SimpleString(tip)));
        List<RespValue> keySpecs = new ArrayList<>();
        spec.keySpecs().forEach(keySpec -> keySpecs.add(keySpec(keySpec)));
        List<RespValue> subcommands = new ArrayList<>();
        spec.subcommands().values().forEach(sub -> subcommands.add(info(sub)));
        return new RespValue.Array(List.of(
                Replies.bulk(spec.name()),
                Replies.integer(spec.arity()),
                new RespValue.Set(flags),
                Replies.integer(spec.firstKey()),
                Replies.integer(spec.lastKey()),
                Replies.integer(spec.keyStep()),
                new RespValue.Set(categories),
                new RespValue.Set(tips),
                new RespValue.Array(keySpecs),
                new RespValue.Array(subcommands)));
    }

    private static RespValue keySpec(KeySpec keySpec) {
        List<RespValue> fields = new ArrayList<>();
        if (keySpec.notes() != null) {
            fields.add(Replies.bulk("notes"));
            fields.add(Replies.bulk(keySpec.notes()));
        }
        List<RespValue> flags = new ArrayList<>();
        keySpec.flags().forEach(flag -> flags.add(new RespValue.SimpleString(flag)));
        fields.add(Replies.bulk("flags"));
        fields.add(new RespValue.Set(flags));
        fields.add(Replies.bulk("begin_search"));
        if (keySpec.begin() instanceof KeySpec.BeginSearch.Index index) {
            fields.add(typed("index", List.of(Replies.bulk("index"), Replies.integer(index.pos()))));
        }
        else {
            KeySpec.BeginSearch.Keyword keyword = (KeySpec.BeginSearch.Keyword) keySpec.begin();
            fields.add(typed("keyword", List.of(Replies.bulk("keyword"), Replies.bulk(keyword.keyword()),
                    Replies.bulk("startfrom"), Replies.integer(keyword.startFrom()))));
        }
        fields.add(Replies.bulk("find_keys"));
        if (keySpec.find() instanceof KeySpec.FindKeys.Range range) {
            fields.add(typed("range", List.of(Replies.bulk("lastkey"), Replies.integer(range.lastKey()),
                    Replies.bulk("keystep"), Replies.integer(range.step()),
                    Replies.bulk("limit"), Replies.integer(range.limit()))));
        }
        else {
            KeySpec.FindKeys.KeyNum keyNum = (KeySpec.FindKeys.KeyNum) keySpec.find();
            fields.add(typed("keynum", List.of(Replies.bulk("keynumidx"), Replies.integer(keyNum.keyNumIdx()),
                    Replies.bulk("firstkey"), Replies.integer(keyNum.firstKey()),
                    Replies.bulk("keystep"), Replies.integer(keyNum.step()))));
        }
        return new RespValue.Map(fields);
    }

    private static RespValue typed(String type, List<RespValue> spec) {
        return new RespValue.Map(List.of(Replies.bulk("type"), Replies.bulk(type),
                Replies.bulk("spec"), new RespValue.Map(spec)));
    }

    /** One command's {@code COMMAND DOCS} entry: summary, since, group, complexity, arguments, subcommands. */
    public static RespValue docs(CommandSpec spec) {
        List<RespValue> fields = new ArrayList<>(List.of(
                Replies.bulk("summary"), Replies.bulk(spec.summary()),
                Replies.bulk("since"), Replies.bulk(spec.since()),
                Replies.bulk("group"), Replies.bulk(spec.group()),
                Replies.bulk("complexity"), Replies.bulk(spec.complexity())));
        if (!spec.arguments().isEmpty()) {
            fields.add(Replies.bulk("arguments"));
            fields.add(arguments(spec.arguments()));
        }
        if (!spec.subcommands().isEmpty()) {
            List<RespValue> subs = new ArrayList<>();
            spec.subcommands().values().forEach(sub -> {
                subs.add(Replies.bulk(sub.name()));
                subs.add(docs(sub));
            });
            fields.add(Replies.bulk("subcommands"));
            fields.add(new RespValue.Map(subs));
        }
        return new RespValue.Map(fields);
    }

    private static RespValue arguments(List<Argument> arguments) {
        List<RespValue> list = new ArrayList<>(arguments.size());
        for (Argument argument : arguments) {
            List<RespValue> fields = new ArrayList<>(List.of(
                    Replies.bulk("name"), Replies.bulk(argument.name()),
                    Replies.bulk("type"), Replies.bulk(argument.type())));
            if (argument.display() != null) {
                fields.add(Replies.bulk("display_text"));
                fields.add(Replies.bulk(argument.display()));
            }
            if (argument.keySpecIndex() >= 0) {
                fields.add(Replies.bulk("key_spec_index"));
                fields.add(Replies.integer(argument.keySpecIndex()));
            }
            if (argument.token() != null) {
                fields.add(Replies.bulk("token"));
                fields.add(Replies.bulk(argument.token()));
            }
            if (argument.since() != null) {
                fields.add(Replies.bulk("since"));
                fields.add(Replies.bulk(argument.since()));
            }
            List<RespValue> flags = new ArrayList<>();
            if (argument.optional()) {
                flags.add(new RespValue.SimpleString("optional"));
            }
            if (argument.multiple()) {
                flags.add(new RespValue.SimpleString("multiple"));
            }
            if (argument.multipleToken()) {
                flags.add(new RespValue.SimpleString("multiple_token"));
            }
            if (!flags.isEmpty()) {
                fields.add(Replies.bulk("flags"));
                fields.add(new RespValue.Set(flags));
            }
            if (!argument.arguments().isEmpty()) {
                fields.add(Replies.bulk("arguments"));
                fields.add(arguments(argument.arguments()));
            }
            list.add(new RespValue.Map(fields));
        }
        return new RespValue.Array(list);
    }
}
