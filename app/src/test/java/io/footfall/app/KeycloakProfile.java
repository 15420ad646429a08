package io.footfall.app;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The application as deployed with Keycloak: the {@code keycloak} configuration profile over the test one. */
public class KeycloakProfile implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "test,keycloak";
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KeycloakTestResource.class));
    }
}
