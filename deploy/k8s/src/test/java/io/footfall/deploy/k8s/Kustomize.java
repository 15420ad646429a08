package io.footfall.deploy.k8s;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small renderer for exactly the Kustomize features Footfall's manifests use (ADR 0010): {@code resources}
 * (files, and directories holding a {@code kustomization.yaml}), {@code namespace}, {@code images},
 * {@code patches} (JSON 6902 operations, inline or from a file, with a {@code target} of kind, name, group and
 * version), and {@code configMapGenerator} / {@code secretGenerator} ({@code literals}; {@code behavior} create
 * or merge; {@code options.disableNameSuffixHash}; otherwise Kustomize's content-hash suffix, with the names
 * rewritten where pod templates refer to them). Any other field of a kustomization fails the build, so the
 * renderer can never silently differ from {@code kustomize build}; where {@code kubectl} is installed a test
 * compares the two outputs.
 */
final class Kustomize {

    static final ObjectMapper YAML = new YAMLMapper();
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "namespace", "images",
            "patches", "configMapGenerator", "secretGenerator");
    /** Kinds that are not namespaced among those the manifests could contain. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PriorityClass", "StorageClass", "IngressClass");
    /** Marks a generated ConfigMap or Secret whose name gets the content hash at the end of the build. */
    private static final String NEEDS_HASH = "footfall.test/needs-hash";

    private Kustomize() {
    }

    /** Renders the kustomization in {@code dir} as {@code kustomize build dir} would. */
    static List<ObjectNode> build(Path dir) {
        List<ObjectNode> objects = buildWithoutSuffixes(dir);
        Map<String, String> renamed = new HashMap<>();
        for (ObjectNode object : objects) {
            ObjectNode metadata = (ObjectNode) object.get("metadata");
            ObjectNode annotations = (ObjectNode) metadata.get("annotations");
            if (annotations != null && annotations.has(NEEDS_HASH)) {
                annotations.remove(NEEDS_HASH);
                if (annotations.isEmpty()) {
                    metadata.remove("annotations");
                }
                String kind = object.get("kind").asText();
                String name = metadata.get("name").asText();
                String hashed = name + "-" + hash(object);
                metadata.put("name", hashed);
                renamed.put(kind + "/" + name, hashed);
            }
        }
        if (!renamed.isEmpty()) {
            objects.forEach(o -> rewriteReferences(o, renamed));
        }
        return objects;
    }

    private static List<ObjectNode> buildWithoutSuffixes(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no kustomization.yaml in " + dir);
        }
        ObjectNode k = (ObjectNode) read(file).get(0);
        k.fieldNames().forEachRemaining(field -> {
            if (!SUPPORTED.contains(field)) {
                throw new IllegalArgumentException(file + ": the test renderer does not support '" + field
                        + "' (supported: " + SUPPORTED + "); extend Kustomize.java and ADR 0010 first");
            }
        });
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode resource : k.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(buildWithoutSuffixes(path));
            } else {
                read(path).forEach(node -> objects.add((ObjectNode) node));
            }
        }
        generate(k.path("configMapGenerator"), "ConfigMap", objects, file);
        generate(k.path("secretGenerator"), "Secret", objects, file);
        for (JsonNode patch : k.path("patches")) {
            applyPatch(dir, patch, objects, file);
        }
        for (JsonNode image : k.path("images")) {
            setImage(image, objects);
        }
        if (k.hasNonNull("namespace")) {
            String namespace = k.get("namespace").asText();
            for (ObjectNode object : objects) {
                if (!CLUSTER_SCOPED.contains(object.path("kind").asText())) {
                    ((ObjectNode) object.get("metadata")).put("namespace", namespace);
                }
            }
        }
        return objects;
    }

    static List<JsonNode> read(Path file) {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private static void generate(JsonNode generators, String kind, List<ObjectNode> objects, Path file) {
        for (JsonNode generator : generators) {
            String name = generator.get("name").asText();
            for (Iterator<String> it = generator.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!Set.of("name", "literals", "behavior", "options", "type").contains(field)) {
                    throw new IllegalArgumentException(file + ": generator field '" + field + "' is not supported");
                }
            }
            Map<String, String> data = new LinkedHashMap<>();
            for (JsonNode literal : generator.path("literals")) {
                String text = literal.asText();
                int eq = text.indexOf('=');
                data.put(text.substring(0, eq), text.substring(eq + 1));
            }
            String behavior = generator.path("behavior").asText("create");
            boolean hashed = !generator.path("options").path("disableNameSuffixHash").asBoolean(false);
            if ("merge".equals(behavior)) {
                ObjectNode existing = objects.stream()
                        .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.at("/metadata/name").asText()))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException(
                                file + ": behavior merge, but no " + kind + " " + name + " in the resources"));
                ObjectNode target = (ObjectNode) existing.get("data");
                data.forEach((key, value) -> target.put(key, "Secret".equals(kind) ? base64(value) : value));
                continue;
            }
            if (!"create".equals(behavior)) {
                throw new IllegalArgumentException(file + ": generator behavior '" + behavior + "' is not supported");
            }
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            object.put("apiVersion", "v1");
            object.put("kind", kind);
            ObjectNode metadata = object.putObject("metadata");
            metadata.put("name", name);
            if (hashed) {
                metadata.putObject("annotations").put(NEEDS_HASH, "true");
            }
            if ("Secret".equals(kind)) {
                object.put("type", generator.path("type").asText("Opaque"));
            }
            ObjectNode target = object.putObject("data");
            data.forEach((key, value) -> target.put(key, "Secret".equals(kind) ? base64(value) : value));
            objects.add(object);
        }
    }

    private static void applyPatch(Path dir, JsonNode patch, List<ObjectNode> objects, Path file) {
        JsonNode ops = patch.hasNonNull("path") ? read(dir.resolve(patch.get("path").asText())).get(0)
                : readString(patch.path("patch").asText());
        if (!ops.isArray()) {
            throw new IllegalArgumentException(file + ": only JSON 6902 patches (a list of operations) are supported");
        }
        JsonNode target = patch.get("target");
        if (target == null) {
            throw new IllegalArgumentException(file + ": a JSON 6902 patch needs a target");
        }
        int matched = 0;
        for (int i = 0; i < objects.size(); i++) {
            ObjectNode object = objects.get(i);
            if (matches(object, target)) {
                objects.set(i, (ObjectNode) JsonPatch.apply(ops, object));
                matched++;
            }
        }
        if (matched == 0) {
            throw new IllegalArgumentException(file + ": patch target " + target + " matches no resource");
        }
    }

    private static boolean matches(ObjectNode object, JsonNode target) {
        String apiVersion = object.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return (!target.has("kind") || target.get("kind").asText().equals(object.path("kind").asText()))
                && (!target.has("name") || target.get("name").asText().equals(object.at("/metadata/name").asText()))
                && (!target.has("group") || target.get("group").asText().equals(group))
                && (!target.has("version") || target.get("version").asText().equals(version));
    }

    /** Kustomize's image transformer on pod templates: name → newName, newTag or digest. */
    private static void setImage(JsonNode image, List<ObjectNode> objects) {
        String name = image.get("name").asText();
        for (ObjectNode object : objects) {
            for (String list : List.of("containers", "initContainers")) {
                for (JsonNode container : object.at("/spec/template/spec/" + list)) {
                    String current = container.path("image").asText();
                    String base = imageName(current);
                    if (!base.equals(name)) {
                        continue;
                    }
                    String newName = image.path("newName").asText(base);
                    String reference;
                    if (image.hasNonNull("digest")) {
                        reference = newName + "@" + image.get("digest").asText();
                    } else if (image.hasNonNull("newTag")) {
                        reference = newName + ":" + image.get("newTag").asText();
                    } else {
                        reference = newName + current.substring(base.length());
                    }
                    ((ObjectNode) container).put("image", reference);
                }
            }
        }
    }

    private static String imageName(String image) {
        int at = image.indexOf('@');
        String withoutDigest = at >= 0 ? image.substring(0, at) : image;
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    /** Rewrites the references Kustomize's name-reference transformer rewrites in pod templates. */
    private static void rewriteReferences(ObjectNode object, Map<String, String> renamed) {
        JsonNode podSpec = object.at("/spec/template/spec");
        if (podSpec.isMissingNode()) {
            return;
        }
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : podSpec.path(list)) {
                for (JsonNode env : container.path("env")) {
                    rename(env.at("/valueFrom/configMapKeyRef"), "name", "ConfigMap", renamed);
                    rename(env.at("/valueFrom/secretKeyRef"), "name", "Secret", renamed);
                }
                for (JsonNode from : container.path("envFrom")) {
                    rename(from.path("configMapRef"), "name", "ConfigMap", renamed);
                    rename(from.path("secretRef"), "name", "Secret", renamed);
                }
            }
        }
        for (JsonNode volume : podSpec.path("volumes")) {
            rename(volume.path("configMap"), "name", "ConfigMap", renamed);
            rename(volume.path("secret"), "secretName", "Secret", renamed);
        }
    }

    private static void rename(JsonNode ref, String field, String kind, Map<String, String> renamed) {
        if (ref.isObject() && ref.has(field)) {
            String newName = renamed.get(kind + "/" + ref.get(field).asText());
            if (newName != null) {
                ((ObjectNode) ref).put(field, newName);
            }
        }
    }

    /**
     * Kustomize's name suffix: SHA-256 of the JSON encoding (Go's: keys sorted, {@code <>&} escaped) of kind,
     * name and data (a Secret adds its type), the first ten hex digits with 0, 1, 3, a and e replaced by g, h,
     * k, m and t so the suffix never looks like a number or a word. The name is encoded as the empty string:
     * Kustomize 5 looks the name up with the single path element {@code "metadata/name"}, which finds nothing
     * (so {@code kubectl create configmap --append-hash} gives other suffixes than Kustomize does).
     */
    static String hash(ObjectNode object) {
        Map<String, Object> encoded = new TreeMap<>();
        encoded.put("kind", object.get("kind").asText());
        encoded.put("name", "");
        Map<String, String> data = new TreeMap<>();
        object.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        encoded.put("data", data);
        if ("Secret".equals(object.get("kind").asText())) {
            encoded.put("type", object.path("type").asText());
        }
        String json = goJson(encoded);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            char[] hex = HexFormat.of().formatHex(digest).substring(0, 10).toCharArray();
            for (int i = 0; i < hex.length; i++) {
                hex[i] = switch (hex[i]) {
                    case '0' -> 'g';
                    case '1' -> 'h';
                    case '3' -> 'k';
                    case 'a' -> 'm';
                    case 'e' -> 't';
                    default -> hex[i];
                };
            }
            return new String(hex);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String goJson(Object value) {
        ObjectMapper json = new ObjectMapper();
        json.getFactory().setCharacterEscapes(new GoEscapes());
        try {
            StringWriter out = new StringWriter();
            try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
                json.writeValue(generator, value);
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readString(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Go's encoding/json escapes {@code <}, {@code >} and {@code &} (and U+2028/U+2029) in strings. */
    private static final class GoEscapes extends CharacterEscapes {
        private final int[] escapes;

        GoEscapes() {
            escapes = CharacterEscapes.standardAsciiEscapesForJSON();
            escapes['<'] = ESCAPE_CUSTOM;
            escapes['>'] = ESCAPE_CUSTOM;
            escapes['&'] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch == 0x2028 || ch == 0x2029 || ch == '<' || ch == '>' || ch == '&') {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
