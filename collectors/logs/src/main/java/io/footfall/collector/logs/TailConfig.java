package io.footfall.collector.logs;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tailer's configuration: URL patterns → events, the bot filter, and which requests count.
 * A small line-based file; {@code #} starts a comment:
 * <pre>
 * # METHOD  PATH[?PARAM={var}…]          =&gt; Event Name   property={var} …
 * map GET   /product/{id}                 =&gt; Product Viewed  product_id={id}
 * map GET   /search?q={query}             =&gt; Products Searched  query={query}
 * map POST  /cart/add/{id}                =&gt; Product Added  product_id={id}
 * map *     /category/{category}          =&gt; Product List Viewed  category={category}
 * bots      (?i)bot|crawl|spider|slurp    # a regular expression on the user agent (this replaces the default)
 * statuses  200-399                       # only these response statuses count
 * unmatched drop                          # or "page": other GET requests become page events
 * </pre>
 * {@code {var}} matches one path segment, {@code {var*}} the rest of the path; query parameters
 * named in the pattern must be present (others are ignored). Values are URL-decoded.
 */
final class TailConfig {
    /** User agents of crawlers, monitors and scripts: dropped. */
    static final String DEFAULT_BOTS = "(?i)bot|crawl|spider|slurp|archiver|facebookexternalhit|curl|wget|python-requests|"
            + "go-http-client|java/|okhttp|headless|phantomjs|monitor|pingdom|uptime";

    /** One URL rule. */
    record Rule(String method, Pattern path, List<String> pathVars, Map<String, String> queryVars, String event,
                Map<String, String> properties, int line) {
    }

    /** A matched request: the event name and its properties. */
    record Match(String event, Map<String, String> properties) {
    }

    final List<Rule> rules = new ArrayList<>();
    Pattern bots = Pattern.compile(DEFAULT_BOTS);
    int minStatus = 200;
    int maxStatus = 399;
    boolean unmatchedAsPage;

    /** The default rules (product, search, cart, category, checkout). */
    static TailConfig defaults() {
        try {
            return parse(String.join("\n",
                    "map GET /product/{id} => Product Viewed product_id={id}",
                    "map GET /products/{id} => Product Viewed product_id={id}",
                    "map GET /search?q={query} => Products Searched query={query}",
                    "map POST /cart/add/{id} => Product Added product_id={id}",
                    "map GET /cart => Cart Viewed",
                    "map GET /category/{category} => Product List Viewed category={category}",
                    "map GET /checkout => Checkout Started"));
        } catch (BadRow e) {
            throw new IllegalStateException(e);
        }
    }

    static TailConfig load(Path file) throws IOException, BadRow {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    static TailConfig parse(String text) throws BadRow {
        TailConfig config = new TailConfig();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf(" #");
            if (line.strip().startsWith("#")) {
                continue;
            }
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String rest = words.length > 1 ? words[1].strip() : "";
            try {
                switch (words[0]) {
                    case "map" -> config.rules.add(rule(rest, i + 1));
                    case "bots" -> config.bots = Pattern.compile(rest);
                    case "statuses" -> {
                        String[] range = rest.split("-");
                        config.minStatus = Integer.parseInt(range[0].strip());
                        config.maxStatus = Integer.parseInt(range[range.length - 1].strip());
                    }
                    case "unmatched" -> config.unmatchedAsPage = rest.equals("page");
                    default -> throw new BadRow("unknown directive " + words[0]);
                }
            } catch (RuntimeException e) {
                throw new BadRow("config line " + (i + 1) + ": " + e.getMessage());
            } catch (BadRow e) {
                throw new BadRow("config line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return config;
    }

    private static final Pattern VAR = Pattern.compile("\\{(\\w+)(\\*?)}");

    private static Rule rule(String text, int line) throws BadRow {
        int arrow = text.indexOf("=>");
        if (arrow < 0) {
            throw new BadRow("expected METHOD PATH => Event Name [property={var} …]");
        }
        String[] left = text.substring(0, arrow).strip().split("\\s+");
        if (left.length != 2) {
            throw new BadRow("expected METHOD PATH before =>");
        }
        String pathPattern = left[1];
        String query = null;
        int q = pathPattern.indexOf('?');
        if (q >= 0) {
            query = pathPattern.substring(q + 1);
            pathPattern = pathPattern.substring(0, q);
        }
        List<String> vars = new ArrayList<>();
        StringBuilder regex = new StringBuilder("^");
        Matcher m = VAR.matcher(pathPattern);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(pathPattern.substring(last, m.start())));
            regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+)");
            vars.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(pathPattern.substring(last))).append("/?$");
        Map<String, String> queryVars = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                Matcher v = VAR.matcher(kv.length > 1 ? kv[1] : "");
                if (!v.matches()) {
                    throw new BadRow("query parameters must be written param={var}");
                }
                queryVars.put(kv[0], v.group(1));
            }
        }
        List<String> name = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        for (String word : text.substring(arrow + 2).strip().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                properties.put(word.substring(0, eq), word.substring(eq + 1));
            } else if (!word.isEmpty()) {
                name.add(word);
            }
        }
        if (name.isEmpty()) {
            throw new BadRow("the event name is missing after =>");
        }
        return new Rule(left[0].toUpperCase(), Pattern.compile(regex.toString()), vars, queryVars, String.join(" ", name),
                properties, line);
    }

    /** Whether the user agent is a bot's (no user agent counts as a bot: browsers always send one). */
    boolean isBot(String userAgent) {
        return userAgent == null || bots.matcher(userAgent).find();
    }

    boolean counts(int status) {
        return status >= minStatus && status <= maxStatus;
    }

    /** The first rule matching the request, with its properties filled in. */
    Optional<Match> match(String method, String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Map<String, String> params = q < 0 ? Map.of() : query(target.substring(q + 1));
        for (Rule rule : rules) {
            if (!rule.method().equals("*") && !rule.method().equalsIgnoreCase(method)) {
                continue;
            }
            Matcher m = rule.path().matcher(path);
            if (!m.matches()) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < rule.pathVars().size(); i++) {
                values.put(rule.pathVars().get(i), decode(m.group(i + 1)));
            }
            boolean all = true;
            for (Map.Entry<String, String> qv : rule.queryVars().entrySet()) {
                String value = params.get(qv.getKey());
                if (value == null || value.isEmpty()) {
                    all = false;
                    break;
                }
                values.put(qv.getValue(), value);
            }
            if (!all) {
                continue;
            }
            Map<String, String> properties = new LinkedHashMap<>();
            rule.properties().forEach((k, v) -> {
                String filled = v;
                for (Map.Entry<String, String> e : values.entrySet()) {
                    filled = filled.replace("{" + e.getKey() + "}", e.getValue()).replace("{" + e.getKey() + "*}", e.getValue());
                }
                properties.put(k, filled);
            });
            return Optional.of(new Match(rule.event(), properties));
        }
        return Optional.empty();
    }

    private static Map<String, String> query(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            params.putIfAbsent(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
