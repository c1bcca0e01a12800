package io.qsvit.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API is one package that shows nothing of the internals: no public or protected constructor,
 * method, field or record component of a public io.qsvit.api type takes, returns or throws a type of another
 * qsvit package. (Tribuo, OLCUT and JDK types are fine: they are what the API adapts to.)
 */
class PublicApiSurfaceTest {

    @Test
    void publicSignaturesUseNoInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<Class<?>> types = publicTypes();
        assertTrue(types.size() > 25, types.toString());
        for (Class<?> type : types) {
            if (type.getSuperclass() != null) {
                check(type.getName() + " extends", type.getGenericSuperclass(), leaks);
            }
            for (Type i : type.getGenericInterfaces()) {
                check(type.getName() + " implements", i, leaks);
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                checkExecutable(type, c, leaks);
            }
            for (Method m : type.getDeclaredMethods()) {
                if (!m.isSynthetic() && !m.isBridge()) {
                    checkExecutable(type, m, leaks);
                    if (isVisible(m.getModifiers())) {
                        check(type.getName() + "." + m.getName() + " returns", m.getGenericReturnType(), leaks);
                    }
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (isVisible(f.getModifiers()) && !f.isSynthetic()) {
                    check(type.getName() + "." + f.getName(), f.getGenericType(), leaks);
                }
            }
            if (type.isRecord()) {
                for (RecordComponent r : type.getRecordComponents()) {
                    check(type.getName() + "." + r.getName(), r.getGenericType(), leaks);
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    @Test
    void theCheckFindsALeak() {
        List<String> leaks = new ArrayList<>();
        check("example", io.qsvit.quant.Setting.class, leaks);
        check("example", List.class, leaks);
        assertEquals(List.of("example: io.qsvit.quant.Setting"), leaks);
    }

    private static void checkExecutable(Class<?> type, Executable e, List<String> leaks) {
        if (!isVisible(e.getModifiers()) || e.isSynthetic()) {
            return;
        }
        String name = type.getName() + "." + (e instanceof Constructor ? "<init>" : e.getName());
        for (Type p : e.getGenericParameterTypes()) {
            check(name + " takes", p, leaks);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            check(name + " throws", x, leaks);
        }
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(String where, Type type, List<String> leaks) {
        check(where, type, leaks, new HashSet<>());
    }

    /** {@code seen}: type variables already followed (T extends Output&lt;T&gt; refers to itself). */
    private static void check(String where, Type type, List<String> leaks, Set<TypeVariable<?>> seen) {
        if (type instanceof Class<?> c) {
            Class<?> element = c;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            String name = element.getName();
            if (name.startsWith("io.qsvit.") && !name.startsWith("io.qsvit.api.")) {
                leaks.add(where + ": " + name);
            }
        } else if (type instanceof ParameterizedType p) {
            check(where, p.getRawType(), leaks, seen);
            for (Type a : p.getActualTypeArguments()) {
                check(where, a, leaks, seen);
            }
        } else if (type instanceof GenericArrayType g) {
            check(where, g.getGenericComponentType(), leaks, seen);
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                check(where, b, leaks, seen);
            }
            for (Type b : w.getLowerBounds()) {
                check(where, b, leaks, seen);
            }
        } else if (type instanceof TypeVariable<?> v && seen.add(v)) {
            for (Type b : v.getBounds()) {
                check(where, b, leaks, seen);
            }
        }
    }

    /** Every public top-level and member type of the package, from its compiled classes. */
    private static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path folder = Path.of(Steps.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/qsvit/api");
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.map(Path::getFileName).sorted().toList()) {
                String file = f.toString();
                if (file.endsWith(".class") && !file.equals("package-info.class")) {
                    Class<?> c = Class.forName("io.qsvit.api." + file.substring(0, file.length() - ".class".length()));
                    boolean visible = Modifier.isPublic(c.getModifiers());
                    for (Class<?> outer = c.getEnclosingClass(); visible && outer != null; outer = outer.getEnclosingClass()) {
                        visible = Modifier.isPublic(outer.getModifiers());
                    }
                    if (visible && !c.isAnonymousClass() && !c.isSynthetic()) {
                        types.add(c);
                    }
                }
            }
        }
        return types;
    }
}
