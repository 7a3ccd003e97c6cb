package kv.protocol.acl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The command rules checked against a reference model: a command is allowed if the last rule
 * that names it (itself, its container, one of its categories, or all commands) is a {@code +}
 * rule. Random rule sequences, seeded; a failure prints its seed and rules.
 */
class CommandRulesModelTest {

    private static final List<String> COMMANDS = new ArrayList<>(Categories.commandNames());

    @Test
    void randomRuleSequencesAllowWhatTheLastRuleNamingACommandSays() {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            List<String> rules = new ArrayList<>();
            for (int i = random.nextInt(8); i >= 0; i--) {
                rules.add(randomRule(random));
            }
            User user = User.named("u").apply(rules);
            for (String command : COMMANDS) {
                assertThat(user.commands().allows(command, null)).as("seed %d, rules %s, command %s", seed, rules, command)
                        .isEqualTo(model(rules, command));
            }
            User replayed = User.named("u").apply(List.of(user.describeCommands().split(" ")));
            for (String command : COMMANDS) {
                assertThat(replayed.commands().allows(command, null))
                        .as("seed %d: the description %s gives the same rights", seed, user.describeCommands())
                        .isEqualTo(user.commands().allows(command, null));
            }
        }
    }

    private static String randomRule(Random random) {
        String sign = random.nextBoolean() ? "+" : "-";
        return switch (random.nextInt(4)) {
            case 0 -> sign + "@all";
            case 1 -> sign + "@" + Categories.ALL.get(random.nextInt(Categories.ALL.size()));
            default -> sign + COMMANDS.get(random.nextInt(COMMANDS.size()));
        };
    }

    private static boolean model(List<String> rules, String command) {
        boolean allowed = false;
        String container = command.contains("|") ? command.substring(0, command.indexOf('|')) : null;
        for (String rule : rules) {
            String name = rule.substring(1);
            boolean names = name.equals("@all")
                    || name.startsWith("@") && Categories.of(command).contains(name.substring(1))
                    || name.equals(command) || name.equals(container);
            if (names) {
                allowed = rule.startsWith("+");
            }
        }
        return allowed;
    }
}
