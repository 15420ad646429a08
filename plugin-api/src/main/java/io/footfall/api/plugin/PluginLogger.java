package io.footfall.api.plugin;

/**
 * The plugin's log, tagged with its id. Never log personal data.
 *
 * @since 0.1
 */
public interface PluginLogger {
    /** Informational message; {@code %s} placeholders as in {@link String#format}. */
    void info(String format, Object... args);

    /** Something worth an operator's attention. */
    void warn(String format, Object... args);

    /** A failure. */
    void error(String format, Object... args);
}
