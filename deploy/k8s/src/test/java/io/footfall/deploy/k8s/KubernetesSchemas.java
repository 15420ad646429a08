package io.footfall.deploy.k8s;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.annotations.SerializedName;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * JSON schemas of built-in Kubernetes kinds, derived from the official Java client's model
 * ({@code io.kubernetes:client-java-api}), which openapi-generator generates from the Kubernetes OpenAPI
 * specification: every model class becomes an object with exactly its serialised properties (unknown fields
 * are errors, as with {@code kubectl apply --validate=strict}), its required fields, and property types taken
 * from the Java types (integers, booleans, strings, lists, maps, nested models). {@code IntOrString} is an
 * integer or a string; {@code Quantity} a number or a string in Kubernetes' quantity syntax.
 */
final class KubernetesSchemas {

    /** The quantity syntax of {@code k8s.io/apimachinery/pkg/api/resource} (as controller-gen writes it). */
    static final String QUANTITY = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String MODELS = "io.kubernetes.client.openapi.models.";

    /** apiVersion + " " + kind → model class, for the built-in kinds the manifests may contain. */
    private static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1 ConfigMap", io.kubernetes.client.openapi.models.V1ConfigMap.class),
            Map.entry("v1 Secret", io.kubernetes.client.openapi.models.V1Secret.class),
            Map.entry("v1 Service", io.kubernetes.client.openapi.models.V1Service.class),
            Map.entry("v1 ServiceAccount", io.kubernetes.client.openapi.models.V1ServiceAccount.class),
            Map.entry("v1 Namespace", io.kubernetes.client.openapi.models.V1Namespace.class),
            Map.entry("apps/v1 Deployment", io.kubernetes.client.openapi.models.V1Deployment.class),
            Map.entry("autoscaling/v2 HorizontalPodAutoscaler",
                    io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler.class),
            Map.entry("policy/v1 PodDisruptionBudget", io.kubernetes.client.openapi.models.V1PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1 Ingress", io.kubernetes.client.openapi.models.V1Ingress.class),
            Map.entry("networking.k8s.io/v1 NetworkPolicy", io.kubernetes.client.openapi.models.V1NetworkPolicy.class));

    private KubernetesSchemas() {
    }

    /** Whether this apiVersion and kind is a built-in kind with a schema here. */
    static boolean knows(String apiVersion, String kind) {
        return KINDS.containsKey(apiVersion + " " + kind);
    }

    /** A self-contained schema document ({@code $defs} plus a root {@code $ref}) for a built-in kind. */
    static ObjectNode schema(String apiVersion, String kind) {
        Class<?> model = KINDS.get(apiVersion + " " + kind);
        if (model == null) {
            throw new IllegalArgumentException("no schema for built-in kind " + apiVersion + " " + kind);
        }
        return document(model);
    }

    /** A self-contained schema document for one model class (e.g. {@code V1ObjectMeta}). */
    static ObjectNode document(Class<?> model) {
        ObjectNode defs = JSON.objectNode();
        ObjectNode root = JSON.objectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$ref", "#/$defs/" + model.getSimpleName());
        define(model, defs);
        root.set("$defs", defs);
        return root;
    }

    private static void define(Class<?> model, ObjectNode defs) {
        if (defs.has(model.getSimpleName())) {
            return;
        }
        ObjectNode schema = defs.putObject(model.getSimpleName());
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        for (Class<?> c = model; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                SerializedName name = field.getAnnotation(SerializedName.class);
                if (name == null || Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                properties.set(name.value(), typeOf(field.getGenericType(), defs));
            }
        }
        Set<String> required = requiredFields(model);
        if (!required.isEmpty()) {
            ArrayNode list = schema.putArray("required");
            required.forEach(list::add);
        }
        schema.put("additionalProperties", false);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> requiredFields(Class<?> model) {
        try {
            Field field = model.getField("openapiRequiredFields");
            return new TreeSet<>((Collection<String>) field.get(null));
        } catch (NoSuchFieldException e) {
            return Set.of();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode typeOf(Type type, ObjectNode defs) {
        ObjectNode schema = JSON.objectNode();
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (Collection.class.isAssignableFrom(raw)) {
                schema.put("type", "array");
                schema.set("items", typeOf(p.getActualTypeArguments()[0], defs));
                return schema;
            }
            if (Map.class.isAssignableFrom(raw)) {
                schema.put("type", "object");
                schema.set("additionalProperties", typeOf(p.getActualTypeArguments()[1], defs));
                return schema;
            }
            throw new IllegalStateException("unexpected generic type " + type);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class || c == OffsetDateTime.class || c == LocalDate.class || c == byte[].class) {
            schema.put("type", "string");
        } else if (c == Integer.class || c == Long.class || c == int.class || c == long.class) {
            schema.put("type", "integer");
        } else if (c == Boolean.class || c == boolean.class) {
            schema.put("type", "boolean");
        } else if (c == Double.class || c == Float.class || c == BigDecimal.class || c == double.class) {
            schema.put("type", "number");
        } else if (c == IntOrString.class) {
            schema.putArray("type").add("integer").add("string");
        } else if (c == Quantity.class) {
            schema.putArray("type").add("string").add("number");
            schema.put("pattern", QUANTITY);
        } else if (c == Object.class) {
            return schema;
        } else if (c.isEnum()) {
            ArrayNode values = schema.putArray("enum");
            for (Object constant : c.getEnumConstants()) {
                values.add(enumValue(constant));
            }
        } else if (c.getName().startsWith(MODELS)) {
            define(c, defs);
            schema.put("$ref", "#/$defs/" + c.getSimpleName());
        } else {
            throw new IllegalStateException("no JSON type for " + c.getName());
        }
        return schema;
    }

    private static String enumValue(Object constant) {
        try {
            return String.valueOf(constant.getClass().getMethod("getValue").invoke(constant));
        } catch (ReflectiveOperationException e) {
            return ((Enum<?>) constant).name();
        }
    }
}
