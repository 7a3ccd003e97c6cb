package kv.protocol.endpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import kv.protocol.acl.AclException;
import kv.protocol.acl.AclLog;
import kv.protocol.acl.Categories;
import kv.protocol.acl.Denial;
import kv.protocol.acl.Passwords;
import kv.protocol.acl.Permissions;
import kv.protocol.acl.Selector;
import kv.protocol.acl.User;
import kv.protocol.acl.Users;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * {@code AUTH} and {@code ACL SETUSER|GETUSER|DELUSER|LIST|USERS|WHOAMI|CAT|LOG|LOAD|SAVE|GENPASS|DRYRUN|HELP},
 * answered as Redis 7.0 answers them, over a service's {@link Users}; part of every service's
 * connection commands.
 */
final class AclCommands {

    private static final String NO_ACL_FILE = "ERR This Redis instance is not configured to use an ACL file. You may"
            + " want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have"
            + " a Redis configuration file set) in order to store users in the Redis configuration.";

    private static final List<String> HELP = List.of(
            "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CAT [<category>]",
            "    List all commands that belong to <category>, or all command categories",
            "    when no category is specified.",
            "DELUSER <username> [<username> ...]",
            "    Delete a list of users.",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Returns whether the user can execute the given command without executing the command.",
            "GETUSER <username>",
            "    Get the user's details.",
            "GENPASS [<bits>]",
            "    Generate a secure 256-bit user password. The optional `bits` argument can",
            "    be used to specify a different size.",
            "LIST",
            "    Show users details in config file format.",
            "LOAD",
            "    Reload users from the ACL file.",
            "LOG [<count> | RESET]",
            "    Show the ACL log entries.",
            "SAVE",
            "    Save the current config to the ACL file.",
            "SETUSER <username> <attribute> [<attribute> ...]",
            "    Create or modify a user with the specified attributes.",
            "USERS",
            "    List all the registered usernames.",
            "WHOAMI",
            "    Return the current connection username.",
            "HELP",
            "    Prints this help.");

    private final AccessControl access;
    private final Users users;

    AclCommands(AccessControl access) {
        this.access = access;
        this.users = access.users();
    }

    /** {@code AUTH [username] password}. */
    RespValue auth(Request request, Client client, String context) {
        if (request.size() > 3) {
            return Replies.SYNTAX_ERROR;
        }
        String username = request.size() == 3 ? request.argString(1) : Users.DEFAULT;
        if (request.size() == 2 && users.defaultUser().nopass()) {
            return Replies.error("ERR AUTH <password> called without any password configured for the default user."
                    + " Are you sure your configuration is correct?");
        }
        RespValue failed = access.authenticate(client, username, request.arg(request.size() - 1),
                request.argString(0), context);
        return failed != null ? failed : Replies.OK;
    }

    RespValue acl(Request request, Client client) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        int size = request.size();
        CommandSpec spec = CommandTable.get("acl").subcommands().get(sub);
        if (spec != null && !spec.acceptsArity(size)) {
            return arity(sub);
        }
        switch (sub) {
            case "setuser":
                return setUser(request, client);
            case "getuser":
                return size == 3 ? getUser(request.argString(2), client.protocol()) : arity(sub);
            case "deluser":
                return deleteUsers(request, client);
            case "list": {
                if (size != 2) {
                    return arity(sub);
                }
                List<RespValue> lines = new ArrayList<>();
                users.all().forEach(user -> lines.add(Replies.bulk(user.toString())));
                return new RespValue.Array(lines);
            }
            case "users": {
                if (size != 2) {
                    return arity(sub);
                }
                List<RespValue> names = new ArrayList<>();
                users.all().forEach(user -> names.add(Replies.bulk(user.name())));
                return new RespValue.Array(names);
            }
            case "whoami":
                return size == 2 ? Replies.bulk(client.user()) : arity(sub);
            case "cat":
                return category(request);
            case "log":
                return log(request);
            case "load":
                return size == 2 ? load(client) : arity(sub);
            case "save":
                return size == 2 ? save() : arity(sub);
            case "genpass":
                return genpass(request);
            case "dryrun":
                return dryRun(request);
            case "help": {
                List<RespValue> lines = new ArrayList<>();
                HELP.forEach(line -> lines.add(new RespValue.SimpleString(line)));
                return new RespValue.Array(lines);
            }
            default:
                return Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try ACL HELP.");
        }
    }

    private static RespValue arity(String sub) {
        return Replies.error("ERR wrong number of arguments for 'acl|" + sub + "' command");
    }

    private RespValue setUser(Request request, Client client) {
        String name = request.argString(2);
        List<String> rules = new ArrayList<>();
        for (int i = 3; i < request.size(); i++) {
            rules.add(request.argString(i));
        }
        try {
            User.named(name); // the name's own check first, as Redis
            User before = users.get(name);
            User after = users.set(name, rules);
            disconnectSubscribersLosingChannels(before, after);
            return Replies.OK;
        }
        catch (AclException e) {
            return Replies.error(e.rule() == null || e.kind() == AclException.Kind.UNMATCHED_PARENTHESIS
                    ? "ERR " + e.getMessage()
                    : "ERR Error in ACL SETUSER modifier '" + e.rule() + "': " + e.getMessage());
        }
    }

    /** Redis closes a subscriber whose user may no longer use one of its channels or patterns. */
    private void disconnectSubscribersLosingChannels(User before, User after) {
        if (before == null || after.allSelectors().stream().anyMatch(Selector::allChannels)) {
            return;
        }
        for (Client each : access.clientsOf(after.name())) {
            boolean allowed = each.subscriptions().channelNames().stream()
                    .allMatch(channel -> Permissions.channelAllowed(after, channel, false))
                    && each.subscriptions().patternNames().stream()
                    .allMatch(pattern -> Permissions.channelAllowed(after, pattern, true));
            if (!allowed) {
                each.disconnect();
            }
        }
    }

    private RespValue getUser(String name, int protocol) {
        User user = users.get(name);
        if (user == null) {
            return Replies.NULL;
        }
        List<RespValue> flags = new ArrayList<>();
        user.flags().forEach(flag -> flags.add(Replies.bulk(flag)));
        List<RespValue> passwords = new ArrayList<>();
        user.passwords().forEach(hash -> passwords.add(Replies.bulk(hash)));
        List<RespValue> fields = new ArrayList<>(List.of(
                Replies.bulk("flags"), new RespValue.Set(flags), // a set in RESP3, as Redis's
                Replies.bulk("passwords"), new RespValue.Array(passwords)));
        fields.addAll(describe(user.root()));
        List<RespValue> selectors = new ArrayList<>();
        user.selectors().forEach(selector -> selectors.add(new RespValue.Map(describe(selector))));
        fields.add(Replies.bulk("selectors"));
        fields.add(new RespValue.Array(selectors));
        return new RespValue.Map(fields);
    }

    /** GETUSER's {@code commands}, {@code keys} and {@code channels} of one selector. */
    private static List<RespValue> describe(Selector selector) {
        return List.of(
                Replies.bulk("commands"), Replies.bulk(selector.describeCommands()),
                Replies.bulk("keys"), Replies.bulk(selector.describeKeys()),
                Replies.bulk("channels"), Replies.bulk(selector.describeChannels()));
    }

    private RespValue deleteUsers(Request request, Client client) {
        Set<String> deleted = new java.util.HashSet<>();
        for (int i = 2; i < request.size(); i++) {
            if (request.argString(i).equals(Users.DEFAULT)) {
                return Replies.error("ERR The 'default' user cannot be removed");
            }
        }
        for (int i = 2; i < request.size(); i++) {
            if (users.delete(request.argString(i))) {
                deleted.add(request.argString(i));
            }
        }
        access.disconnectUsers(deleted, client);
        return Replies.integer(deleted.size());
    }

    private static RespValue category(Request request) {
        if (request.size() > 3) {
            return arity("cat");
        }
        List<RespValue> names = new ArrayList<>();
        if (request.size() == 2) {
            Categories.ALL.forEach(name -> names.add(Replies.bulk(name)));
            return new RespValue.Array(names);
        }
        String category = request.argString(2).toLowerCase(Locale.ROOT);
        if (!Categories.exists(category)) {
            return Replies.error("ERR Unknown category '" + request.argString(2) + "'");
        }
        Categories.commandsIn(category).forEach(name -> names.add(Replies.bulk(name)));
        return new RespValue.Array(names);
    }

    private RespValue log(Request request) {
        if (request.size() > 3) {
            return arity("log");
        }
        int count = 10;
        if (request.size() == 3) {
            if (request.argIs(2, "reset")) {
                users.log().reset();
                return Replies.OK;
            }
            try {
                count = (int) Math.max(0, Math.min(Integer.MAX_VALUE, Long.parseLong(request.argString(2))));
            }
            catch (NumberFormatException e) {
                return Replies.error("ERR value is not an integer or out of range");
            }
        }
        long now = users.log().now();
        List<RespValue> entries = new ArrayList<>();
        for (AclLog.Entry entry : users.log().latest(count)) {
            entries.add(new RespValue.Map(List.of(
                    Replies.bulk("count"), Replies.integer(entry.count()),
                    Replies.bulk("reason"), Replies.bulk(entry.reason()),
                    Replies.bulk("context"), Replies.bulk(entry.context()),
                    Replies.bulk("object"), Replies.bulk(entry.object()),
                    Replies.bulk("username"), Replies.bulk(entry.username()),
                    Replies.bulk("age-seconds"), new RespValue.Double((now - entry.updatedMillis()) / 1000.0),
                    Replies.bulk("client-info"), Replies.bulk(entry.clientInfo()))));
        }
        return new RespValue.Array(entries);
    }

    private RespValue load(Client client) {
        if (users.aclFile() == null) {
            return Replies.error(NO_ACL_FILE);
        }
        try {
            access.disconnectUsers(users.load(), client);
            return Replies.OK;
        }
        catch (AclException e) {
            return Replies.error("ERR " + e.getMessage());
        }
        catch (IOException e) {
            return Replies.error("ERR Error loading ACLs, opening file '" + users.aclFile() + "': " + e.getMessage());
        }
    }

    private RespValue save() {
        if (users.aclFile() == null) {
            return Replies.error(NO_ACL_FILE);
        }
        try {
            users.save();
            return Replies.OK;
        }
        catch (IOException e) {
            return Replies.error("ERR There was an error trying to save the ACLs. Please check the server logs for"
                    + " more information");
        }
    }

    private static RespValue genpass(Request request) {
        if (request.size() > 3) {
            return arity("genpass");
        }
        long bits = 256;
        if (request.size() == 3) {
            try {
                bits = Long.parseLong(request.argString(2));
            }
            catch (NumberFormatException e) {
                return Replies.error("ERR value is not an integer or out of range");
            }
            if (bits <= 0 || bits > 4096) {
                return Replies.error("ERR ACL GENPASS argument must be the number of bits for the output password,"
                        + " a positive number up to 4096");
            }
        }
        return Replies.bulk(Passwords.generate((int) bits));
    }

    private RespValue dryRun(Request request) {
        if (request.size() < 4) {
            return arity("dryrun");
        }
        User user = users.get(request.argString(2));
        if (user == null) {
            return Replies.error("ERR User '" + request.argString(2) + "' not found");
        }
        byte[][] args = new byte[request.size() - 3][];
        for (int i = 3; i < request.size(); i++) {
            args[i - 3] = request.arg(i);
        }
        Request command = new Request(args);
        CommandSpec spec = CommandTable.get(command.name());
        if (spec == null || !spec.subcommands().isEmpty() && command.size() >= 2
                && !spec.subcommands().containsKey(command.argString(1).toLowerCase(Locale.ROOT))) {
            return Replies.error("ERR Command '" + command.argString(0) + "' not found");
        }
        if (!spec.acceptsArity(command.size())) {
            return Replies.wrongArity(spec.name());
        }
        Denial denial = Permissions.check(user, spec, command);
        return denial == null ? Replies.OK : Replies.bulk(denial.dryRun());
    }
}
