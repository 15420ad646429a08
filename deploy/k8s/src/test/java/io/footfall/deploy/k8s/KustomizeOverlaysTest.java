package io.footfall.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders {@code overlays/dev}, {@code overlays/prod} and {@code overlays/single} and checks every object against the Kubernetes and
 * operator schemas, then the wiring between objects (selectors, probes, roles, references), and that the
 * validation does reject typos and wrong types.
 */
class KustomizeOverlaysTest {

    static final Path MODULE = Path.of("").toAbsolutePath();
    /** Secrets the operators create, which the manifests may refer to without defining. */
    static final Set<String> OPERATOR_SECRETS = Set.of("footfall-db-app", "footfall-keycloak-db-app");
    /** Secrets an operator of the prod overlay creates by hand (docs/operations.md). */
    static final Set<String> PROD_SECRETS = Set.of("footfall-oidc", "footfall-session", "footfall-backup-s3",
            "footfall-tls", "footfall-keycloak-tls");

    static ManifestValidator validator;

    @BeforeAll
    static void schemas() {
        validator = new ManifestValidator(MODULE.resolve("src/test/resources/crds"));
    }

    static List<ObjectNode> render(String overlay) {
        return Kustomize.build(MODULE.resolve("overlays").resolve(overlay));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "single"})
    void everyRenderedObjectMatchesItsSchema(String overlay) {
        List<ObjectNode> objects = render(overlay);
        assertEquals(overlay.equals("prod") ? 22 : 24, objects.size(), "objects rendered: " + kinds(objects));
        assertEquals(List.of(), validator.validateAll(objects));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void oneDeploymentPerRoleWithProbesResourcesAndTheRoleSwitch(String overlay) {
        List<ObjectNode> objects = render(overlay);
        Map<String, ObjectNode> deployments = byName(objects, "Deployment");
        assertEquals(Set.of("footfall-ingest", "footfall-process", "footfall-serve"), deployments.keySet());
        String namespace = overlay.equals("dev") ? "footfall-dev" : "footfall";
        for (ObjectNode object : objects) {
            assertEquals(namespace, object.at("/metadata/namespace").asText(), id(object));
        }
        for (var entry : deployments.entrySet()) {
            String role = entry.getKey().substring("footfall-".length());
            JsonNode pod = entry.getValue().at("/spec/template/spec");
            JsonNode container = pod.at("/containers/0");
            assertEquals(role, env(container, "FOOTFALL_ROLES"), entry.getKey());
            assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
            assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
            assertEquals("/q/health/started", container.at("/startupProbe/httpGet/path").asText());
            for (String resource : List.of("/resources/requests/cpu", "/resources/requests/memory",
                    "/resources/limits/memory")) {
                assertFalse(container.at(resource).asText().isEmpty(), entry.getKey() + resource);
            }
            assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
            String image = container.path("image").asText();
            assertEquals(overlay.equals("dev") ? "footfall:dev" : "registry.example.com/footfall/footfall:0.1.0", image);
            // every pod reads the same generated ConfigMap, whose name carries Kustomize's content hash
            String configMap = container.at("/envFrom/0/configMapRef/name").asText();
            assertTrue(configMap.matches("footfall-config-[a-z0-9]{10}"), configMap);
            ObjectNode config = byName(objects, "ConfigMap").get(configMap);
            assertTrue(config.at("/data/JAVA_OPTS").asText().contains("-XX:-TieredCompilation"), "ADR 0008");
            assertEquals(overlay.equals("prod") ? "true" : "false",
                    config.at("/data/QUARKUS_LOG_CONSOLE_JSON_ENABLED").asText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesBudgetsAndAutoscalersSelectTheirRolesPods(String overlay) {
        List<ObjectNode> objects = render(overlay);
        Map<String, ObjectNode> deployments = byName(objects, "Deployment");
        for (String kind : List.of("Service", "PodDisruptionBudget")) {
            Map<String, ObjectNode> selecting = byName(objects, kind);
            assertEquals(deployments.keySet(), selecting.keySet(), kind);
            selecting.forEach((name, object) -> {
                JsonNode selector = kind.equals("Service") ? object.at("/spec/selector")
                        : object.at("/spec/selector/matchLabels");
                assertTrue(selects(selector, deployments.get(name).at("/spec/template/metadata/labels")),
                        kind + " " + name + " selects its Deployment's pods");
                for (var other : deployments.entrySet()) {
                    if (!other.getKey().equals(name)) {
                        assertFalse(selects(selector, other.getValue().at("/spec/template/metadata/labels")),
                                kind + " " + name + " must not select " + other.getKey());
                    }
                }
            });
        }
        Map<String, ObjectNode> autoscalers = byName(objects, "HorizontalPodAutoscaler");
        assertEquals(deployments.keySet(), autoscalers.keySet());
        autoscalers.forEach((name, hpa) -> {
            assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
            assertEquals(name, hpa.at("/spec/scaleTargetRef/name").asText());
            assertTrue(hpa.at("/spec/minReplicas").asInt() <= hpa.at("/spec/maxReplicas").asInt());
            assertFalse(deployments.get(name).at("/spec/replicas").isNumber(),
                    "the autoscaler owns the replica count of " + name);
        });
        JsonNode lag = autoscalers.get("footfall-process").at("/spec/metrics/1/pods/metric/name");
        assertEquals("footfall_processor_lag_events", lag.asText(), "process scales on the processors' lag");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "single"})
    void everyReferenceResolves(String overlay) {
        List<ObjectNode> objects = render(overlay);
        Set<String> secrets = new HashSet<>(byName(objects, "Secret").keySet());
        secrets.addAll(OPERATOR_SECRETS);
        if (overlay.equals("prod")) {
            secrets.addAll(PROD_SECRETS);
        }
        Map<String, ObjectNode> services = byName(objects, "Service");
        List<String> dangling = new ArrayList<>();
        for (ObjectNode object : objects) {
            for (JsonNode ref : object.findValues("secretKeyRef")) {
                check(secrets, ref.path("name").asText(), id(object), dangling);
            }
            for (JsonNode ref : object.findValues("secretRef")) {
                if (!ref.path("optional").asBoolean(false)) {
                    check(secrets, ref.path("name").asText(), id(object), dangling);
                }
            }
            for (JsonNode ref : object.findValues("configMapRef")) {
                check(byName(objects, "ConfigMap").keySet(), ref.path("name").asText(), id(object), dangling);
            }
            for (JsonNode placeholder : object.at("/spec/placeholders")) {
                check(secrets, placeholder.at("/secret/name").asText(), id(object), dangling);
            }
            for (JsonNode tls : object.at("/spec/tls")) {
                check(secrets, tls.path("secretName").asText(), id(object), dangling);
            }
        }
        for (JsonNode backend : byName(objects, "Ingress").get("footfall").findValues("service")) {
            ObjectNode service = services.get(backend.path("name").asText());
            assertTrue(service != null, "Ingress backend " + backend);
            assertEquals(backend.at("/port/name").asText(), service.at("/spec/ports/0/name").asText());
        }
        assertEquals(List.of(), dangling);
        // the app's configuration names the Services the operators create for the CRs rendered here
        ObjectNode config = byName(objects, "ConfigMap").values().iterator().next();
        assertTrue(config.at("/data/QUARKUS_DATASOURCE_JDBC_URL").asText().contains("//footfall-db-rw:5432/"));
        assertTrue(byName(objects, "Cluster").containsKey("footfall-db"));
        assertTrue(config.at("/data/FOOTFALL_DISTRIBUTION_KAFKA_BOOTSTRAP_SERVERS").asText().startsWith("footfall-kafka-bootstrap:"));
        assertTrue(config.path("data").path("KAFKA_BOOTSTRAP_SERVERS").isMissingNode(), "a key nothing reads");
        assertTrue(byName(objects, "Kafka").containsKey("footfall"));
        // the keycloak profile's keys (docs/security.md): the realm inside the cluster
        assertEquals("prod,keycloak", config.at("/data/QUARKUS_PROFILE").asText());
        assertEquals("http://footfall-keycloak-service:8080", config.at("/data/FOOTFALL_KEYCLOAK_URL").asText());
        assertEquals("footfall", config.at("/data/FOOTFALL_KEYCLOAK_REALM").asText());
        assertTrue(byName(objects, "Keycloak").containsKey("footfall-keycloak"));
    }

    /**
     * The Kafka relay (ADR 0017): on the ingest pods only, publishing to the bootstrap Service Strimzi creates for the
     * rendered {@code Kafka} ({@code <cluster>-kafka-bootstrap}, port of its plain internal listener) and to a rendered
     * {@code KafkaTopic} of that cluster, whose in-sync minimum lets the relay's {@code acks=all} produce.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "single"})
    void theIngestPodsRelayTheLogToTheStrimziBootstrapServiceAndTopic(String overlay) {
        List<ObjectNode> objects = render(overlay);
        Map<String, ObjectNode> deployments = byName(objects, "Deployment");
        JsonNode ingest = deployments.get("footfall-ingest").at("/spec/template/spec/containers/0");
        assertEquals("true", resolvedEnv(objects, ingest, "FOOTFALL_DISTRIBUTION_KAFKA_ENABLED"), "the relay runs on ingest pods");
        for (String other : List.of("footfall-process", "footfall-serve")) {
            JsonNode container = deployments.get(other).at("/spec/template/spec/containers/0");
            assertFalse("true".equals(resolvedEnv(objects, container, "FOOTFALL_DISTRIBUTION_KAFKA_ENABLED")),
                    other + " does not turn the relay on (it would only log that it has no ingest role)");
        }

        Map<String, ObjectNode> clusters = byName(objects, "Kafka");
        assertEquals(1, clusters.size(), "one Kafka cluster");
        ObjectNode kafka = clusters.values().iterator().next();
        String cluster = kafka.at("/metadata/name").asText();
        JsonNode plain = null;
        for (JsonNode listener : kafka.at("/spec/kafka/listeners")) {
            if ("internal".equals(listener.path("type").asText()) && !listener.path("tls").asBoolean()) {
                plain = listener;
            }
        }
        assertTrue(plain != null, "the Kafka has a plain internal listener");
        String bootstrap = resolvedEnv(objects, ingest, "FOOTFALL_DISTRIBUTION_KAFKA_BOOTSTRAP_SERVERS");
        assertEquals(cluster + "-kafka-bootstrap:" + plain.path("port").asInt(), bootstrap,
                "the relay's bootstrap is the Strimzi bootstrap Service of Kafka/" + cluster);

        String topicName = resolvedEnv(objects, ingest, "FOOTFALL_DISTRIBUTION_KAFKA_TOPIC");
        ObjectNode topic = null;
        for (ObjectNode t : byName(objects, "KafkaTopic").values()) {
            if (topicName.equals(t.at("/spec/topicName").asText(t.at("/metadata/name").asText()))) {
                topic = t;
            }
        }
        assertTrue(topic != null, "a KafkaTopic for the relay's topic " + topicName);
        assertEquals(cluster, topic.at("/metadata/labels/strimzi.io~1cluster").asText(), "the topic operator of " + cluster + " manages it");
        int replicas = topic.at("/spec/replicas").asInt();
        int brokers = byName(objects, "KafkaNodePool").values().stream()
                .filter(pool -> pool.at("/spec/roles").toString().contains("broker"))
                .mapToInt(pool -> pool.at("/spec/replicas").asInt()).sum();
        assertTrue(replicas >= 1 && replicas <= brokers, replicas + " replicas on " + brokers + " brokers");
        int minInSync = topic.at("/spec/config/min.insync.replicas").asInt();
        assertTrue(minInSync >= 1 && (minInSync < replicas || replicas == 1),
                "acks=all needs min.insync.replicas (" + minInSync + ") below replicas (" + replicas + ") to survive a broker down");
        assertTrue(topic.at("/spec/partitions").asInt() >= 1);
        assertTrue(topic.at("/spec/config/retention.ms").asLong() > 0, "a finite retention");
    }

    /** What runs today: one pod with every role, the other roles at zero pods, every route to that pod. */
    @Test
    void singleRunsOnePodWithEveryRole() {
        List<ObjectNode> objects = render("single");
        Map<String, ObjectNode> deployments = byName(objects, "Deployment");
        assertEquals("ingest,process,serve",
                env(deployments.get("footfall-ingest").at("/spec/template/spec/containers/0"), "FOOTFALL_ROLES"));
        assertEquals(0, deployments.get("footfall-process").at("/spec/replicas").asInt(-1));
        assertEquals(0, deployments.get("footfall-serve").at("/spec/replicas").asInt(-1));
        ObjectNode hpa = byName(objects, "HorizontalPodAutoscaler").get("footfall-ingest");
        assertEquals(1, hpa.at("/spec/minReplicas").asInt());
        assertEquals(1, hpa.at("/spec/maxReplicas").asInt());
        for (JsonNode backend : byName(objects, "Ingress").get("footfall").findValues("service")) {
            assertEquals("footfall-ingest", backend.path("name").asText());
        }
        assertEquals(5, byName(objects, "Ingress").get("footfall").findValues("service").size());
    }

    @Test
    void prodBacksUpTheLogAndServesOverTls() {
        List<ObjectNode> objects = render("prod");
        ObjectNode db = byName(objects, "Cluster").get("footfall-db");
        assertTrue(db.at("/spec/backup/barmanObjectStore/destinationPath").asText().startsWith("s3://"));
        assertEquals("footfall-db", byName(objects, "ScheduledBackup").get("footfall-db-nightly")
                .at("/spec/cluster/name").asText());
        assertEquals(3, db.at("/spec/instances").asInt());
        assertEquals("footfall-tls", byName(objects, "Ingress").get("footfall").at("/spec/tls/0/secretName").asText());
        for (ObjectNode hpa : byName(objects, "HorizontalPodAutoscaler").values()) {
            assertTrue(hpa.at("/spec/minReplicas").asInt() >= 2, id(hpa) + " keeps two pods for its budget");
        }
        assertEquals(3, byName(objects, "KafkaNodePool").get("dual-role").at("/spec/replicas").asInt());
    }

    // ---- the validation must catch mistakes, or the tests above prove nothing ----

    @Test
    void aTypoInADeploymentFieldIsRejected() {
        ObjectNode deployment = byName(render("dev"), "Deployment").get("footfall-ingest");
        ObjectNode probe = (ObjectNode) deployment.at("/spec/template/spec/containers/0/livenessProbe");
        probe.set("httpGett", probe.remove("httpGet"));
        List<String> problems = validator.validate(deployment);
        assertTrue(problems.stream().anyMatch(p -> p.contains("httpGett")), problems.toString());
    }

    @Test
    void aWrongTypeIsRejected() {
        ObjectNode hpa = byName(render("dev"), "HorizontalPodAutoscaler").get("footfall-ingest");
        ((ObjectNode) hpa.get("spec")).put("maxReplicas", "two");
        List<String> problems = validator.validate(hpa);
        assertTrue(problems.stream().anyMatch(p -> p.contains("maxReplicas") && p.contains("integer")),
                problems.toString());
        ObjectNode deployment = byName(render("dev"), "Deployment").get("footfall-serve");
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0/resources/limits")).put("memory", "lots");
        assertFalse(validator.validate(deployment).isEmpty(), "a quantity that is not one");
    }

    @Test
    void typosAndWrongTypesInCustomResourcesAreRejected() {
        List<ObjectNode> objects = render("dev");
        ObjectNode kafka = byName(objects, "Kafka").get("footfall");
        ObjectNode listener = (ObjectNode) kafka.at("/spec/kafka/listeners/0");
        listener.put("tls", "no");
        ((ObjectNode) kafka.at("/spec/kafka")).set("listenrs", kafka.at("/spec/kafka/listeners"));
        List<String> problems = validator.validate(kafka);
        assertTrue(problems.stream().anyMatch(p -> p.contains("listenrs")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("tls") && p.contains("boolean")), problems.toString());

        ObjectNode pool = byName(objects, "KafkaNodePool").get("dual-role");
        ((ObjectNode) pool.get("spec")).remove("roles");
        assertTrue(validator.validate(pool).stream().anyMatch(p -> p.contains("roles")), "required field");

        ObjectNode db = byName(objects, "Cluster").get("footfall-db");
        ((ObjectNode) db.get("spec")).put("instance", 2);
        assertTrue(validator.validate(db).stream().anyMatch(p -> p.contains("instance")), "CNPG typo");
        ObjectNode limits = (ObjectNode) db.at("/spec/resources/limits");
        ((ObjectNode) db.at("/spec/resources")).set("limts", limits);
        assertTrue(validator.validate(db).stream().anyMatch(p -> p.contains("limts")),
                "a Kubernetes type inside a custom resource is checked too");
        ((ObjectNode) db.get("spec")).putObject("monitoring").put("enablePodMonitor", true);
        assertTrue(validator.validate(db).stream().anyMatch(p -> p.contains("monitoring") && p.contains("PROVENANCE")),
                "a subtree the vendored excerpt leaves out is refused with a pointer, not passed unchecked");

        ObjectNode keycloak = byName(objects, "Keycloak").get("footfall-keycloak");
        ((ObjectNode) keycloak.at("/spec/db")).put("hots", "x");
        assertTrue(validator.validate(keycloak).stream().anyMatch(p -> p.contains("hots")), "Keycloak typo");

        ObjectNode realmImport = byName(objects, "KeycloakRealmImport").get("footfall-realm");
        ((ObjectNode) realmImport.at("/spec/realm/clients/0")).put("redirectUri", "http://x/*");
        assertTrue(validator.validate(realmImport).stream().anyMatch(p -> p.contains("redirectUri")),
                "a realm typo that Keycloak's import would silently drop");

        ObjectNode metadata = (ObjectNode) kafka.get("metadata");
        metadata.put("labels", "not-a-map");
        assertTrue(validator.validate(kafka).stream().anyMatch(p -> p.contains("metadata")), "custom resource metadata");
    }

    @Test
    void typosAndWrongTypesInTheKafkaTopicAreRejected() {
        ObjectNode topic = byName(render("prod"), "KafkaTopic").get("footfall-events");
        assertEquals(List.of(), validator.validate(topic));
        ObjectNode spec = (ObjectNode) topic.get("spec");
        spec.put("partitions", "twelve");
        spec.set("replica", spec.get("replicas"));
        List<String> problems = validator.validate(topic);
        assertTrue(problems.stream().anyMatch(p -> p.contains("partitions") && p.contains("integer")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("replica")), problems.toString());
    }

    @Test
    void aKindWithoutASchemaIsAnErrorNotAPass() {
        ObjectNode unknown = Kustomize.YAML.createObjectNode();
        unknown.put("apiVersion", "example.com/v1").put("kind", "Widget").putObject("metadata").put("name", "w");
        assertEquals(List.of("Widget/w (example.com/v1): no schema for this apiVersion and kind"),
                validator.validate(unknown));
    }

    @Test
    void unsupportedKustomizeFeaturesFailTheRenderer(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: []\nnamePrefix: x-\n");
        var error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Kustomize.build(dir));
        assertTrue(error.getMessage().contains("namePrefix"), error.getMessage());
    }

    /**
     * The renderer against the real thing: where {@code kubectl} (which embeds Kustomize) is installed, both
     * overlays must render to the same objects. CI machines without kubectl skip this; see ADR 0010.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "single"})
    void rendersWhatKubectlKustomizeRenders(String overlay) throws Exception {
        Path kubectl = kubectl();
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed");
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize",
                MODULE.resolve("overlays").resolve(overlay).toString()).redirectErrorStream(false).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), new String(process.getErrorStream().readAllBytes()));
        Map<String, JsonNode> expected = new TreeMap<>();
        try (var parser = Kustomize.YAML.getFactory().createParser(output)) {
            Kustomize.YAML.readValues(parser, JsonNode.class).forEachRemaining(o -> expected.put(id(o), o));
        }
        Map<String, JsonNode> actual = new TreeMap<>();
        render(overlay).forEach(o -> actual.put(id(o), o));
        assertEquals(expected.keySet(), actual.keySet());
        for (String key : expected.keySet()) {
            assertEquals(expected.get(key), actual.get(key), key);
        }
    }

    // ---- helpers ----

    static Path kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static Map<String, ObjectNode> byName(List<ObjectNode> objects, String kind) {
        Map<String, ObjectNode> result = new TreeMap<>();
        objects.stream().filter(o -> kind.equals(o.path("kind").asText()))
                .forEach(o -> result.put(o.at("/metadata/name").asText(), o));
        return result;
    }

    static String id(JsonNode object) {
        return object.path("kind").asText() + "/" + object.at("/metadata/name").asText();
    }

    private static String kinds(List<ObjectNode> objects) {
        return objects.stream().map(KustomizeOverlaysTest::id).collect(Collectors.joining(", "));
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (name.equals(env.path("name").asText())) {
                return env.path("value").asText();
            }
        }
        return null;
    }

    /** A container's variable as the pod sees it: its own {@code env} over the ConfigMaps of its {@code envFrom}. */
    private static String resolvedEnv(List<ObjectNode> objects, JsonNode container, String name) {
        String own = env(container, name);
        if (own != null) {
            return own;
        }
        String value = null;
        for (JsonNode from : container.path("envFrom")) {
            ObjectNode config = byName(objects, "ConfigMap").get(from.at("/configMapRef/name").asText());
            if (config != null && config.at("/data").has(name)) {
                value = config.at("/data").get(name).asText();
            }
        }
        return value;
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        Map<String, String> wanted = new HashMap<>();
        selector.fields().forEachRemaining(e -> wanted.put(e.getKey(), e.getValue().asText()));
        return !wanted.isEmpty() && wanted.entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.path(e.getKey()).asText(null)));
    }

    private static void check(Set<String> known, String name, String where, List<String> dangling) {
        if (!known.contains(name)) {
            dangling.add(where + " refers to " + name);
        }
    }
}
