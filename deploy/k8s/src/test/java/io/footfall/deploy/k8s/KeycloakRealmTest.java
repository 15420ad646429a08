package io.footfall.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * {@code deploy/keycloak/footfall-realm.json}: what Keycloak's import reads (strictly), the roles, clients and
 * test users it promises, and that the Kubernetes realm import is the same realm (without test users, with
 * secrets from a Secret) so the two files cannot drift apart.
 */
class KeycloakRealmTest {

    static final Path REALM_FILE = KustomizeOverlaysTest.MODULE.resolve("../keycloak/footfall-realm.json").normalize();
    static final Set<String> ROLES = Set.of("admin", "operator", "analyst", "plugin-developer");

    static JsonNode realmFile() throws IOException {
        return new ObjectMapper().readTree(REALM_FILE.toFile());
    }

    @Test
    void theRealmFileIsWhatKeycloakImports() throws IOException {
        JsonNode json = realmFile();
        assertEquals(List.of(), ManifestValidator.validateRealm("footfall-realm.json", json));
        RealmRepresentation realm = ManifestValidator.STRICT_REALM.treeToValue(json, RealmRepresentation.class);
        assertEquals("footfall", realm.getRealm());
        assertTrue(realm.isEnabled());
        assertEquals(ROLES, realm.getRoles().getRealm().stream().map(r -> r.getName()).collect(Collectors.toSet()));

        ClientRepresentation app = client(realm, "footfall-app");
        assertFalse(app.isPublicClient(), "confidential");
        assertTrue(app.isStandardFlowEnabled(), "authorization code for the admin UI");
        assertEquals("client-secret", app.getClientAuthenticatorType());
        assertEquals(List.of("http://localhost:8080/*"), app.getRedirectUris());

        ClientRepresentation service = client(realm, "footfall-service");
        assertTrue(service.isServiceAccountsEnabled(), "client credentials");
        assertFalse(service.isStandardFlowEnabled());
        UserRepresentation serviceAccount = realm.getUsers().stream()
                .filter(u -> "footfall-service".equals(u.getServiceAccountClientId())).findFirst().orElseThrow();
        assertEquals("service-account-footfall-service", serviceAccount.getUsername());
        assertEquals(List.of("operator"), serviceAccount.getRealmRoles(), "a service token carries a role");

        // one enabled test user per role, with a known, non-temporary password and a complete profile
        for (String role : ROLES) {
            UserRepresentation user = realm.getUsers().stream()
                    .filter(u -> ("test-" + role).equals(u.getUsername())).findFirst().orElseThrow();
            assertEquals(List.of(role), user.getRealmRoles());
            assertTrue(user.isEnabled());
            assertEquals("test-" + role + "-password", user.getCredentials().get(0).getValue());
            assertFalse(user.getCredentials().get(0).isTemporary());
            assertTrue(user.getEmail() != null && user.getFirstName() != null && user.getLastName() != null,
                    "Keycloak's user profile would otherwise stop the first sign-in to ask for them");
        }
    }

    @Test
    void aTypoOrAWrongTypeInTheRealmIsRejected() throws IOException {
        ObjectNode typo = (ObjectNode) realmFile();
        ((ObjectNode) typo.at("/clients/0")).set("redirectUri", typo.at("/clients/0/redirectUris"));
        assertFalse(ManifestValidator.validateRealm("typo", typo).isEmpty());
        ObjectNode wrongType = (ObjectNode) realmFile();
        ((ObjectNode) wrongType.at("/clients/0")).put("publicClient", "no");
        assertFalse(ManifestValidator.validateRealm("wrong type", wrongType).isEmpty());
    }

    /** The base realm import equals the file, less its test users, with secrets as placeholders. */
    @Test
    void theKubernetesRealmImportIsTheSameRealm() throws IOException {
        JsonNode expected = realmFile().deepCopy();
        ArrayNode users = (ArrayNode) expected.get("users");
        for (int i = users.size() - 1; i >= 0; i--) {
            if (!users.get(i).has("serviceAccountClientId")) {
                users.remove(i);
            }
        }
        ((ObjectNode) expected.at("/clients/0")).put("secret", "${FOOTFALL_APP_CLIENT_SECRET}")
                .put("directAccessGrantsEnabled", false);
        ((ObjectNode) expected.at("/clients/1")).put("secret", "${FOOTFALL_SERVICE_CLIENT_SECRET}");
        JsonNode base = Kustomize.read(KustomizeOverlaysTest.MODULE.resolve("base/keycloak/realm-import.yaml")).get(0);
        assertEquals(expected, base.at("/spec/realm"));
        assertEquals(Set.of("FOOTFALL_APP_CLIENT_SECRET", "FOOTFALL_SERVICE_CLIENT_SECRET"),
                fieldNames(base.at("/spec/placeholders")));
    }

    /** The dev overlay adds exactly the file's test users back, and its Secret holds the file's client secrets. */
    @Test
    void theDevOverlayHasTheTestUsersAndSecretsOfTheFile() throws IOException {
        List<ObjectNode> dev = KustomizeOverlaysTest.render("dev");
        JsonNode realm = KustomizeOverlaysTest.byName(dev, "KeycloakRealmImport").get("footfall-realm").at("/spec/realm");
        assertEquals(realmFile().get("users"), realm.get("users"));
        assertTrue(realm.at("/clients/0/directAccessGrantsEnabled").asBoolean());
        JsonNode secret = KustomizeOverlaysTest.byName(dev, "Secret").get("footfall-oidc");
        assertEquals(realmFile().at("/clients/0/secret").asText(), decode(secret.at("/data/client-secret")));
        assertEquals(realmFile().at("/clients/1/secret").asText(), decode(secret.at("/data/service-client-secret")));
        JsonNode prod = KustomizeOverlaysTest.byName(KustomizeOverlaysTest.render("prod"), "KeycloakRealmImport")
                .get("footfall-realm").at("/spec/realm");
        assertEquals(1, prod.get("users").size(), "prod imports no test user, only the service account");
        assertEquals("https://footfall.example.com/*", prod.at("/clients/0/redirectUris/0").asText());
    }

    private static ClientRepresentation client(RealmRepresentation realm, String clientId) {
        return realm.getClients().stream().filter(c -> clientId.equals(c.getClientId())).findFirst().orElseThrow();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Map<String, JsonNode> map = new TreeMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue()));
        return map.keySet();
    }

    private static String decode(JsonNode base64) {
        return new String(java.util.Base64.getDecoder().decode(base64.asText()), java.nio.charset.StandardCharsets.UTF_8);
    }
}
