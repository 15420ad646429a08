package io.footfall.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The operators' CustomResourceDefinitions under {@code src/test/resources/crds} (see the PROVENANCE file
 * there), turned into JSON schemas the way the API server applies them with strict field validation: an
 * object with {@code properties} rejects unknown fields unless it says
 * {@code x-kubernetes-preserve-unknown-fields}; {@code x-kubernetes-int-or-string} is an integer or a string;
 * {@code nullable} admits null. CEL rules ({@code x-kubernetes-validations}) and formats are not evaluated.
 * Two markers of the vendored excerpts are expanded: {@value #OMITTED} (a subtree left out, so any use of it is
 * an error) and {@value #KUBERNETES} (a core type such as {@code V1ResourceRequirements}, from
 * {@link KubernetesSchemas}).
 */
final class CrdSchemas {

    /** Marks a subtree a vendored excerpt leaves out (see PROVENANCE.md). */
    static final String OMITTED = "x-footfall-omitted";
    /** Names the Kubernetes model class of an embedded core type in a vendored excerpt. */
    static final String KUBERNETES = "x-footfall-kubernetes";
    private final Map<String, ObjectNode> schemas = new HashMap<>();

    /** Loads every {@code *.yaml} CRD under {@code dir}. */
    CrdSchemas(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode crd : Kustomize.read(file)) {
                    if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                        continue;
                    }
                    String group = crd.at("/spec/group").asText();
                    String kind = crd.at("/spec/names/kind").asText();
                    for (JsonNode version : crd.at("/spec/versions")) {
                        if (!version.path("served").asBoolean(true)) {
                            continue;
                        }
                        ObjectNode schema = version.at("/schema/openAPIV3Schema").deepCopy();
                        ObjectNode converted = convert(schema);
                        converted.put("$schema", "https://json-schema.org/draft/2020-12/schema");
                        schemas.put(group + "/" + version.path("name").asText() + " " + kind, converted);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean knows(String apiVersion, String kind) {
        return schemas.containsKey(apiVersion + " " + kind);
    }

    ObjectNode schema(String apiVersion, String kind) {
        ObjectNode schema = schemas.get(apiVersion + " " + kind);
        if (schema == null) {
            throw new IllegalArgumentException("no CRD schema for " + apiVersion + " " + kind);
        }
        return schema;
    }

    /** Rewrites a structural OpenAPI v3 schema (in place) into the equivalent strict JSON schema. */
    static ObjectNode convert(ObjectNode schema) {
        if (schema.has(OMITTED)) {
            // a subtree a vendored excerpt leaves out: any use of it fails instead of passing unchecked
            schema.removeAll();
            schema.putObject("not");
            return schema;
        }
        if (schema.has(KUBERNETES)) {
            // a Kubernetes type embedded in a custom resource (e.g. ResourceRequirements): the model's schema
            String model = schema.get(KUBERNETES).asText();
            ObjectNode document;
            try {
                document = KubernetesSchemas.document(Class.forName("io.kubernetes.client.openapi.models." + model));
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("no Kubernetes model " + model, e);
            }
            document.remove("$schema");
            document.put("$id", "urn:footfall:kubernetes:" + model);
            schema.removeAll();
            schema.setAll(document);
            return schema;
        }
        schema.remove("x-footfall-note");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        boolean nullable = schema.path("nullable").asBoolean(false);
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.startsWith("x-kubernetes-") || List.of("description", "format", "nullable", "example",
                    "externalDocs").contains(key)) {
                it.remove();
            }
        }
        if (intOrString) {
            schema.remove("type");
            schema.putArray("type").add("integer").add("string");
        }
        if (schema.has("properties")) {
            schema.get("properties").fields().forEachRemaining(e -> convert((ObjectNode) e.getValue()));
            if (!preserve && !schema.has("additionalProperties")) {
                schema.put("additionalProperties", false);
            }
        }
        if (schema.get("additionalProperties") instanceof ObjectNode nested) {
            convert(nested);
        }
        if (schema.get("items") instanceof ObjectNode items) {
            convert(items);
        }
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            if (schema.get(combinator) instanceof ArrayNode alternatives) {
                alternatives.forEach(a -> convert((ObjectNode) a));
            }
        }
        if (schema.get("not") instanceof ObjectNode not) {
            convert(not);
        }
        if (nullable && schema.has("type") && schema.get("type").isTextual()) {
            String type = schema.get("type").asText();
            schema.putArray("type").add(type).add("null");
        }
        return schema;
    }
}
