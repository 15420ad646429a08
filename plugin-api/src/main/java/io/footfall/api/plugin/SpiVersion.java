package io.footfall.api.plugin;

/**
 * The version of this SPI. A plugin records the version it was built against in its descriptor;
 * the host loads plugins of the same major version and an equal or lower minor version.
 *
 * @since 0.1
 */
public final class SpiVersion {

    /** Major version: raised on incompatible changes. */
    public static final int MAJOR = 1;
    /** Minor version: raised when API is added compatibly. */
    public static final int MINOR = 11;
    /** {@code MAJOR.MINOR}. */
    public static final String CURRENT = MAJOR + "." + MINOR;

    private SpiVersion() {
    }

    /** True when a plugin built against {@code version} ({@code "1.0"}) can run on this SPI. */
    public static boolean isCompatible(String version) {
        if (version == null || !version.matches("\\d+\\.\\d+")) {
            return false;
        }
        String[] parts = version.split("\\.");
        return Integer.parseInt(parts[0]) == MAJOR && Integer.parseInt(parts[1]) <= MINOR;
    }
}
