package kv.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The queries of {@code ops/grafana/kv-dashboard.json} and the metric names they use, by the job
 * each selects ({@code {job="kv-server"}}), so that a test can check each name against a running
 * service's {@code /actuator/prometheus}.
 */
public final class GrafanaDashboard {

    /** The dashboard, from a module's directory (where Maven runs its tests). */
    public static final Path FILE = Path.of("..", "ops", "grafana", "kv-dashboard.json");

    private static final Pattern JOB = Pattern.compile("job\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** PromQL's words that are not metric names where no '(' follows them. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "and", "or", "unless", "inf", "nan");

    private GrafanaDashboard() {
    }

    /** Every query's expression, in panel order (rows' nested panels too). */
    public static List<String> expressions() {
        try {
            JsonNode dashboard = new ObjectMapper().readTree(Files.readString(FILE));
            List<String> expressions = new ArrayList<>();
            collect(dashboard.path("panels"), expressions);
            return expressions;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(JsonNode panels, List<String> expressions) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.has("expr")) {
                    expressions.add(target.get("expr").asString());
                }
            }
            collect(panel.path("panels"), expressions);
        }
    }

    /** The metric names the queries use, by the job they select; a query without a job is under "". */
    public static Map<String, Set<String>> metricsByJob() {
        Map<String, Set<String>> byJob = new TreeMap<>();
        for (String expression : expressions()) {
            Matcher job = JOB.matcher(expression);
            String name = job.find() ? job.group(1) : "";
            byJob.computeIfAbsent(name, k -> new TreeSet<>()).addAll(metrics(expression));
        }
        return byJob;
    }

    /**
     * The metric names in a PromQL expression: identifiers outside label matchers ({@code {...}}),
     * range selectors ({@code [1m]}), strings and grouping clauses ({@code by (...)}), that are
     * not a function's name (followed by '(') or a keyword.
     */
    public static Set<String> metrics(String expression) {
        String bare = expression.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String word = identifier.group();
            int after = identifier.end();
            while (after < bare.length() && bare.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < bare.length() && bare.charAt(after) == '(';
            boolean number = identifier.start() > 0 && Character.isDigit(bare.charAt(identifier.start() - 1));
            if (!function && !number && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }

    /** The metric names (without labels) of a Prometheus text exposition. */
    public static Set<String> exported(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                Matcher name = IDENTIFIER.matcher(line);
                if (name.lookingAt()) {
                    names.add(name.group());
                }
            }
        }
        return names;
    }
}
