package io.footfall.core.config;

import io.footfall.core.security.Accounts;
import io.footfall.core.source.SourceRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * First-start provisioning from the environment: {@code FOOTFALL_BOOTSTRAP_ADMIN=user:password}
 * creates an admin account in a database without accounts, {@code FOOTFALL_BOOTSTRAP_WRITE_KEY=key} a source with
 * that write key unless the key is known (or was rotated out). So neither brings back what an admin removed.
 */
@ApplicationScoped
public class Bootstrap {

    private static final Logger LOG = Logger.getLogger(Bootstrap.class);

    @Inject
    Accounts accounts;
    @Inject
    SourceRegistry sources;

    @ConfigProperty(name = "footfall.bootstrap.admin")
    Optional<String> admin;
    @ConfigProperty(name = "footfall.bootstrap.write-key")
    Optional<String> writeKey;

    void provision(@Observes @Priority(5) StartupEvent startup) {
        admin.filter(s -> !s.isBlank()).ifPresent(spec -> {
            int colon = spec.indexOf(':');
            if (colon <= 0 || colon == spec.length() - 1) {
                throw new IllegalArgumentException("FOOTFALL_BOOTSTRAP_ADMIN must be user:password");
            }
            String user = spec.substring(0, colon);
            if (accounts.createFirst(user, spec.substring(colon + 1), Accounts.ROLES)) {
                LOG.info("bootstrap admin account created");
            }
        });
        writeKey.filter(s -> !s.isBlank()).ifPresent(key -> {
            if (sources.createIfUnknown("default", key).isPresent()) {
                LOG.info("bootstrap source created");
            }
        });
    }
}
