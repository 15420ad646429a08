package io.footfall.deploy.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * Validates rendered objects: built-in kinds against {@link KubernetesSchemas}, custom resources against
 * {@link CrdSchemas} (their {@code metadata} against the Kubernetes {@code ObjectMeta} schema), and a
 * {@code KeycloakRealmImport}'s realm against Keycloak's own {@link RealmRepresentation} with unknown fields
 * and scalar coercion refused. An object of a kind with no schema is an error, never a pass.
 */
final class ManifestValidator {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** What Keycloak's import reads a realm into, made strict: typos and wrong types fail instead of vanishing. */
    static final ObjectMapper STRICT_REALM = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final CrdSchemas crds;
    private final Map<String, JsonSchema> compiled = new HashMap<>();
    private final JsonSchema objectMeta;

    ManifestValidator(Path crdDir) {
        this.crds = new CrdSchemas(crdDir);
        this.objectMeta = FACTORY.getSchema(KubernetesSchemas.document(
                io.kubernetes.client.openapi.models.V1ObjectMeta.class));
    }

    /** The problems of one object, each naming the object and the JSON path; empty when it is valid. */
    List<String> validate(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        String id = kind + "/" + object.at("/metadata/name").asText() + " (" + apiVersion + ")";
        List<String> problems = new ArrayList<>();
        JsonSchema schema = compiled.computeIfAbsent(apiVersion + " " + kind, key -> {
            if (KubernetesSchemas.knows(apiVersion, kind)) {
                return FACTORY.getSchema(KubernetesSchemas.schema(apiVersion, kind));
            }
            if (crds.knows(apiVersion, kind)) {
                return FACTORY.getSchema(crds.schema(apiVersion, kind));
            }
            return null;
        });
        if (schema == null) {
            problems.add(id + ": no schema for this apiVersion and kind");
            return problems;
        }
        report(id, schema.validate(object), problems);
        if (!KubernetesSchemas.knows(apiVersion, kind)) {
            report(id + " metadata", objectMeta.validate(object.path("metadata")), problems);
        }
        if ("KeycloakRealmImport".equals(kind) && object.at("/spec/realm").isObject()) {
            problems.addAll(validateRealm(id + " spec.realm", object.at("/spec/realm")));
        }
        return problems;
    }

    /** Reads a realm into Keycloak's RealmRepresentation, strictly. */
    static List<String> validateRealm(String id, JsonNode realm) {
        try {
            STRICT_REALM.treeToValue(realm, RealmRepresentation.class);
            return List.of();
        } catch (Exception e) {
            return List.of(id + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static void report(String id, java.util.Set<ValidationMessage> messages, List<String> problems) {
        for (ValidationMessage message : messages) {
            String text = message.getMessage();
            if (text.contains("must not be valid to the schema")) {
                text += " (a field the vendored CRD excerpt leaves out: extend it, see src/test/resources/crds/PROVENANCE.md)";
            }
            problems.add(id + ": " + text);
        }
    }

    /** Convenience for tests: validates every object. */
    List<String> validateAll(List<ObjectNode> objects) {
        List<String> problems = new ArrayList<>();
        objects.forEach(o -> problems.addAll(validate(o)));
        return problems;
    }
}
