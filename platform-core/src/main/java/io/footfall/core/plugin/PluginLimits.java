package io.footfall.core.plugin;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.Set;

/**
 * The host's limits for one plugin: the instance-wide defaults ({@code footfall.plugins.*}), overridden by an
 * optional {@value #FILE} in the plugin's directory, so an operator can give one plugin more (a large model)
 * or less room than the others.
 *
 * @param callTimeout      longest a call (open, a batch, close) may take
 * @param allocationBudget most bytes one call may allocate
 * @param retainedBudget   most heap the plugin may retain between calls (estimated); 0 turns the check off
 * @param retainedCheck    how often, at most, the retained heap is estimated
 */
record PluginLimits(Duration callTimeout, long allocationBudget, long retainedBudget, Duration retainedCheck) {

    /** The per-plugin override file. */
    static final String FILE = "footfall-plugin.properties";

    private static final long MB = 1024 * 1024;
    private static final Set<String> KEYS = Set.of("call-timeout", "allocation-budget-mb", "retained-budget-mb", "retained-check");

    /** The defaults overridden by the directory's {@value #FILE}, if any; IllegalArgumentException names a bad entry. */
    static PluginLimits forDirectory(Path dir, PluginLimits defaults) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return defaults;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(FILE + ": unknown key " + key + " (known: " + KEYS + ")");
            }
        }
        return new PluginLimits(duration(p, "call-timeout", defaults.callTimeout()),
                megabytes(p, "allocation-budget-mb", defaults.allocationBudget()),
                megabytes(p, "retained-budget-mb", defaults.retainedBudget()),
                duration(p, "retained-check", defaults.retainedCheck()));
    }

    private static Duration duration(Properties p, String key, Duration fallback) {
        String text = p.getProperty(key);
        if (text == null) {
            return fallback;
        }
        try {
            Duration d = Duration.parse(text.trim());
            if (d.isNegative()) {
                throw new IllegalArgumentException(FILE + ": " + key + " must not be negative");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(FILE + ": " + key + " must be an ISO-8601 duration such as PT30S");
        }
    }

    private static long megabytes(Properties p, String key, long fallback) {
        String text = p.getProperty(key);
        if (text == null) {
            return fallback;
        }
        try {
            long mb = Long.parseLong(text.trim());
            if (mb < 0) {
                throw new IllegalArgumentException(FILE + ": " + key + " must not be negative");
            }
            return mb * MB;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FILE + ": " + key + " must be a whole number of megabytes");
        }
    }
}
