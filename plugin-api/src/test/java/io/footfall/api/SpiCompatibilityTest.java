package io.footfall.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the SPI backward compatible (in the spirit of Trino's SPI check): every public type and
 * member recorded in {@code spi-signatures.txt} must still exist with the same signature. Adding API
 * is fine — record it by regenerating the file (run with {@code -Dfootfall.spi.record=true}).
 * Removing or changing recorded API needs a new SPI major version.
 */
class SpiCompatibilityTest {

    private static final Path RECORDED = Path.of("src/test/resources/spi-signatures.txt");

    @Test
    void recordedApiStillExists() throws Exception {
        TreeSet<String> current = signatures();
        if (Boolean.getBoolean("footfall.spi.record")) {
            Files.write(RECORDED, current, StandardCharsets.UTF_8);
        }
        List<String> recorded = Files.readAllLines(RECORDED, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        List<String> missing = recorded.stream().filter(s -> !current.contains(s)).toList();
        assertEquals(List.of(), missing, "public SPI removed or changed incompatibly; that needs a new SPI major version");
        assertTrue(recorded.size() > 50, "the recorded SPI is not empty");
    }

    @Test
    void everyPublicTypeSaysSinceWhen() throws Exception {
        for (Class<?> type : publicTypes()) {
            Path source = Path.of("src/main/java", type.getName().replace('.', '/').replaceAll("\\$.*", "") + ".java");
            String text = Files.readString(source);
            assertTrue(text.contains("@since"), type.getName() + " has no @since in its Javadoc");
        }
    }

    static TreeSet<String> signatures() throws IOException, URISyntaxException, ClassNotFoundException {
        TreeSet<String> out = new TreeSet<>();
        for (Class<?> type : publicTypes()) {
            String name = type.getName();
            out.add(name + " " + kind(type) + superTypes(type));
            for (Constructor<?> c : type.getConstructors()) {
                out.add(name + " <init>(" + params(c.getParameterTypes()) + ")");
            }
            for (Method m : type.getMethods()) {
                if (m.getDeclaringClass() == Object.class || m.isSynthetic()) {
                    continue;
                }
                out.add(name + " " + (Modifier.isStatic(m.getModifiers()) ? "static " : "") + m.getGenericReturnType().getTypeName()
                        + " " + m.getName() + "(" + params(m.getParameterTypes()) + ")");
            }
            for (Field f : type.getFields()) {
                out.add(name + " field " + f.getGenericType().getTypeName() + " " + f.getName());
            }
        }
        return out;
    }

    private static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(SpiCompatibilityTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent().resolve("classes");
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String className = classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (className.endsWith("package-info")) {
                    continue;
                }
                Class<?> type = Class.forName(className, false, SpiCompatibilityTest.class.getClassLoader());
                if (Modifier.isPublic(type.getModifiers()) && !type.isAnonymousClass() && !type.isSynthetic()) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    private static String kind(Class<?> t) {
        return t.isAnnotation() ? "annotation" : t.isInterface() ? "interface" : t.isEnum() ? "enum" : t.isRecord() ? "record" : "class";
    }

    private static String superTypes(Class<?> t) {
        List<String> supers = new ArrayList<>();
        if (t.getSuperclass() != null && t.getSuperclass() != Object.class && !t.isEnum() && !t.isRecord()) {
            supers.add(t.getSuperclass().getName());
        }
        Arrays.stream(t.getInterfaces()).map(Class::getName).sorted().forEach(supers::add);
        return supers.isEmpty() ? "" : " : " + String.join(", ", supers);
    }

    private static String params(Class<?>[] types) {
        return Arrays.stream(types).map(Class::getName).collect(Collectors.joining(", "));
    }
}
