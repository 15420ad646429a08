package io.footfall.api.plugin;

import io.footfall.api.config.ConfigSpec;
import io.footfall.api.result.ResultType;
import java.util.Objects;
import java.util.Set;

/**
 * What a plugin is and needs.
 *
 * @param id                   stable id, e.g. {@code category-affinity}: lower case, digits, dashes
 * @param version              the plugin's own version, e.g. {@code 1.2.0}
 * @param spiVersion           the SPI version it was built against, normally {@link SpiVersion#CURRENT}
 * @param name                 display name
 * @param description          one or two sentences for operators
 * @param consumes             event type labels it reads ({@code "Product Viewed"}, {@code "page"}, …);
 *                             empty means all events
 * @param produces             result types it publishes
 * @param config               its settings
 * @param personalDataPurposes purposes for which it uses personal data (e.g. {@code personalisation});
 *                             empty when it uses none; plugins never receive sealed personal fields
 *                             unless a purpose is declared
 * @param partitioning         whether the host may fold the plugin's events on several segments
 *                             ({@link Partitioning}; {@link Partitioning#NONE} unless declared, since 1.6)
 * @since 0.1
 */
public record PluginDescriptor(String id, String version, String spiVersion, String name, String description,
                               Set<String> consumes, Set<ResultType> produces, ConfigSpec config,
                               Set<String> personalDataPurposes, Partitioning partitioning) {

    /** Checks the fields and copies the sets. */
    public PluginDescriptor {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[a-z][a-z0-9-]{1,62}")) {
            throw new IllegalArgumentException("plugin id must match [a-z][a-z0-9-]{1,62}: " + id);
        }
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(spiVersion, "spiVersion");
        name = name == null ? id : name;
        description = description == null ? "" : description;
        consumes = consumes == null ? Set.of() : Set.copyOf(consumes);
        produces = produces == null ? Set.of() : Set.copyOf(produces);
        config = config == null ? ConfigSpec.empty() : config;
        personalDataPurposes = personalDataPurposes == null ? Set.of() : Set.copyOf(personalDataPurposes);
        partitioning = partitioning == null ? Partitioning.NONE : partitioning;
    }

    /** A descriptor of a plugin folded on one thread ({@link Partitioning#NONE}): the form of SPI 1.0 to 1.5. */
    public PluginDescriptor(String id, String version, String spiVersion, String name, String description,
                            Set<String> consumes, Set<ResultType> produces, ConfigSpec config,
                            Set<String> personalDataPurposes) {
        this(id, version, spiVersion, name, description, consumes, produces, config, personalDataPurposes, Partitioning.NONE);
    }

    /**
     * This descriptor with another partitioning, e.g. {@code new PluginDescriptor(…).partitionedBy(Partitioning.BY_PERSON)}.
     *
     * @since 1.6
     */
    public PluginDescriptor partitionedBy(Partitioning how) {
        return new PluginDescriptor(id, version, spiVersion, name, description, consumes, produces, config,
                personalDataPurposes, how);
    }

    /** True when the plugin wants events of this type label. */
    public boolean consumes(String typeLabel) {
        return consumes.isEmpty() || consumes.contains(typeLabel);
    }
}
