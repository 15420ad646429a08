package io.footfall.core.plugin;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Estimates the heap a plugin retains: everything reachable from the plugin instance and from the static
 * fields of the (initialised) classes its class loader defined, walked by reflection. No agent is needed:
 *
 * <ul>
 *   <li>objects of the plugin's own classes (and of {@code io.footfall.api} records it keeps) are walked
 *       field by field;</li>
 *   <li>JDK collections and maps are walked through their public iterators (their internals are not open to
 *       reflection on Java 17), arrays element by element; strings, boxes and primitive arrays are leaves;</li>
 *   <li>any other platform or JDK object (the host's context, a thread, a class loader) counts as a small
 *       shallow object and is not entered, so the host's own memory is never charged to the plugin.</li>
 * </ul>
 *
 * <p>Sizes are estimates (12-16 byte headers, 4-byte references, an allowance per collection entry); small
 * strings, boxes and primitive arrays reached twice are counted twice, so the estimate errs high. The walk
 * stops as soon as the budget is exceeded, so a check costs work proportional to what the plugin retains up
 * to the budget, never more. Not seen: memory behind JDK objects other than collections (a ThreadLocal, a
 * logging handler registered by the plugin, a JDK cache), native memory, and objects only reachable from a
 * thread the plugin started.
 */
final class RetainedMemory {

    /**
     * The outcome of one walk.
     *
     * @param bytes    estimated bytes reached (a lower bound of the total when {@code over} or incomplete)
     * @param objects  objects counted
     * @param over     the walk stopped because {@code bytes} exceeded the budget
     * @param complete false when the plugin changed a collection during the walk or the walk ran out of time (try again later)
     */
    record Estimate(long bytes, long objects, boolean over, boolean complete) {
        long megabytes() {
            return bytes / (1024 * 1024);
        }
    }

    private static final int REF = 4;
    private static final int HEADER = 16;
    private static final int ENTRY = 32;
    private static final int SMALL_ARRAY = 64;
    private static final String API = "io.footfall.api.";
    private static final Method SHOULD_BE_INITIALIZED;
    private static final Object UNSAFE;

    static {
        Method method = null;
        Object unsafe = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field the = type.getDeclaredField("theUnsafe");
            the.setAccessible(true);
            unsafe = the.get(null);
            method = type.getMethod("shouldBeInitialized", Class.class);
        } catch (ReflectiveOperationException | RuntimeException absent) {
            // Java 22+ removed it: only classes whose instances are reached, and the plugin's own class, are read
            method = null;
        }
        SHOULD_BE_INITIALIZED = method;
        UNSAFE = unsafe;
    }

    private final ClassLoader loader;
    private final long budget;
    private final long deadline;
    private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Class<?>> staticsRead = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Deque<Object> pending = new ArrayDeque<>();
    /** Per walk, so that no cache outlives it and keeps the plugin's classes (and loader) reachable. */
    private final Map<Class<?>, List<Field>> referenceFields = new IdentityHashMap<>();
    private final Map<Class<?>, Long> shallowSizes = new IdentityHashMap<>();
    private long bytes;
    private long objects;

    private RetainedMemory(ClassLoader loader, long budget, long deadline) {
        this.loader = loader;
        this.budget = budget;
        this.deadline = deadline;
    }

    /**
     * Walks what the plugin retains, stopping past {@code budget} bytes.
     *
     * @param plugin  the plugin instance
     * @param classes the classes its class loader defined (their static fields are roots when initialised)
     * @param loader  the plugin's class loader
     * @param budget  bytes past which the walk stops
     * @param timeout longest the walk may take; past it the estimate is incomplete (the walk gives up by itself,
     *                so it never needs to be stopped)
     */
    static Estimate measure(Object plugin, Collection<Class<?>> classes, ClassLoader loader, long budget, java.time.Duration timeout) {
        RetainedMemory walk = new RetainedMemory(loader, budget, System.nanoTime() + timeout.toNanos());
        try {
            walk.push(plugin);
            walk.statics(plugin.getClass());
            for (Class<?> type : classes) {
                if (initialised(type)) {
                    walk.statics(type);
                }
            }
            walk.drain();
            return new Estimate(walk.bytes, walk.objects, walk.bytes > budget, true);
        } catch (OverBudget over) {
            return new Estimate(walk.bytes, walk.objects, true, true);
        } catch (ConcurrentModificationException | java.util.NoSuchElementException | OutOfTime changing) {
            return new Estimate(walk.bytes, walk.objects, false, false);
        }
    }

    /** Whether a class's static initialiser has run, so reading its statics runs no plugin code; false when unknown. */
    private static boolean initialised(Class<?> type) {
        if (SHOULD_BE_INITIALIZED == null) {
            return false;
        }
        try {
            return !(Boolean) SHOULD_BE_INITIALIZED.invoke(UNSAFE, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static final class OverBudget extends RuntimeException {
        OverBudget() {
            super(null, null, false, false);
        }
    }

    private static final class OutOfTime extends RuntimeException {
        OutOfTime() {
            super(null, null, false, false);
        }
    }

    private void add(long size) {
        bytes += size;
        objects++;
        if (bytes > budget) {
            throw new OverBudget();
        }
        if ((objects & 4095) == 0 && System.nanoTime() > deadline) {
            throw new OutOfTime();
        }
    }

    private void push(Object o) {
        if (o != null) {
            pending.push(o);
        }
    }

    private void drain() {
        while (!pending.isEmpty()) {
            visit(pending.pop());
        }
    }

    private void statics(Class<?> type) {
        if (!staticsRead.add(type)) {
            return;
        }
        Field[] fields;
        try {
            fields = type.getDeclaredFields();
        } catch (LinkageError | RuntimeException unresolvable) {
            return;
        }
        for (Field f : fields) {
            if (Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                try {
                    f.setAccessible(true);
                    push(f.get(null));
                } catch (RuntimeException | IllegalAccessException | LinkageError unreadable) {
                    // not open to us: not counted
                }
            }
        }
    }

    private void visit(Object o) {
        Class<?> type = o.getClass();
        if (o instanceof String s) {
            add(HEADER + 24 + s.length());
            return;
        }
        if (o instanceof Number || o instanceof Boolean || o instanceof Character) {
            if (type.getName().startsWith("java.")) {
                add(HEADER + 8);
                return;
            }
        }
        if (type.isArray()) {
            int length = Array.getLength(o);
            Class<?> component = type.getComponentType();
            if (component.isPrimitive()) {
                if (length >= SMALL_ARRAY && !visited.add(o)) {
                    return;
                }
                add(HEADER + (long) length * primitiveSize(component));
                return;
            }
            if (!visited.add(o)) {
                return;
            }
            add(HEADER + (long) length * REF);
            Object[] elements = (Object[]) o;
            for (Object e : elements) {
                push(e);
            }
            return;
        }
        if (!visited.add(o)) {
            return;
        }
        boolean walkFields = type.getClassLoader() == loader || type.getName().startsWith(API);
        if (walkFields && !staticsRead.contains(type) && type.getClassLoader() == loader) {
            statics(type);
        }
        if (o instanceof Map<?, ?> map && (walkFields || type.getName().startsWith("java."))) {
            add(HEADER + (long) map.size() * ENTRY);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                push(e.getKey());
                push(e.getValue());
            }
        } else if (o instanceof Collection<?> collection && (walkFields || type.getName().startsWith("java."))) {
            add(HEADER + (long) collection.size() * (o instanceof List<?> ? REF : ENTRY));
            for (Object e : collection) {
                push(e);
            }
        } else if (!walkFields) {
            add(HEADER);
            return;
        }
        if (walkFields) {
            add(shallow(type));
            for (Field f : referenceFields(type)) {
                try {
                    push(f.get(o));
                } catch (IllegalAccessException | RuntimeException unreadable) {
                    // not counted
                }
            }
        }
    }

    private static int primitiveSize(Class<?> c) {
        if (c == long.class || c == double.class) {
            return 8;
        }
        if (c == int.class || c == float.class) {
            return 4;
        }
        if (c == short.class || c == char.class) {
            return 2;
        }
        return 1;
    }

    private long shallow(Class<?> type) {
        return shallowSizes.computeIfAbsent(type, t -> {
            long size = HEADER;
            for (Class<?> c = t; c != null; c = c.getSuperclass()) {
                try {
                    for (Field f : c.getDeclaredFields()) {
                        if (!Modifier.isStatic(f.getModifiers())) {
                            size += f.getType().isPrimitive() ? primitiveSize(f.getType()) : REF;
                        }
                    }
                } catch (LinkageError | RuntimeException unresolvable) {
                    break;
                }
            }
            return size;
        });
    }

    /** Reference fields of the plugin's (or API) classes in the hierarchy, made accessible; JDK superclasses are skipped. */
    private List<Field> referenceFields(Class<?> type) {
        List<Field> cached = referenceFields.get(type);
        if (cached != null) {
            return cached;
        }
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && (c.getClassLoader() == loader || c.getName().startsWith(API)); c = c.getSuperclass()) {
            Field[] declared;
            try {
                declared = c.getDeclaredFields();
            } catch (LinkageError | RuntimeException unresolvable) {
                break;
            }
            for (Field f : declared) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                    try {
                        f.setAccessible(true);
                        fields.add(f);
                    } catch (RuntimeException closed) {
                        // not open to us: not counted
                    }
                }
            }
        }
        List<Field> result = List.copyOf(fields);
        referenceFields.put(type, result);
        return result;
    }
}
