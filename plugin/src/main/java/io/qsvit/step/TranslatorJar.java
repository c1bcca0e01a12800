package io.qsvit.step;

import io.qsvit.artifact.ToolVersion;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * The jar {@code apply --djl-serving} writes into each model folder's {@code libs/}: the DJL translator classes
 * {@link DjlServing} names and every qsvit class they use, read from this library's own class path (the library
 * compiles the translator too), and nothing else, so DJL Serving runs it with DJL alone on its class path. The
 * classes a class uses are the {@code io/qsvit/} names in its constant pool (classes, and types in descriptors
 * and signatures), followed until nothing new turns up. The {@code io.qsvit:qsvit-djl} artifact holds the same
 * classes (a test compares them). Same library, same bytes: entries are sorted and carry a fixed time.
 */
public final class TranslatorJar {
    /** The file's name in {@code libs/}. */
    public static final String FILE = "qsvit-djl.jar";
    private static final String OWN_PACKAGES = "io/qsvit/";
    /** A class named in a descriptor or signature: {@code Lio/qsvit/eval/data/ImageShape;} */
    private static final Pattern NAMED = Pattern.compile("L(" + OWN_PACKAGES + "[^;<>]+)[;<]");
    /** The earliest time a zip entry can hold: no clock, no time zone in the bytes. */
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private TranslatorJar() {
    }

    /** The jar's bytes (built once per class loader). */
    public static byte[] bytes() {
        return Built.BYTES.clone();
    }

    /** Class file name (e.g. {@code io/qsvit/djl/ImageClassifierTranslator.class}) -> its bytes, sorted by name. */
    public static Map<String, byte[]> classes() {
        Map<String, byte[]> classes = new TreeMap<>();
        Deque<String> pending = new ArrayDeque<>();
        for (String root : DjlServing.TRANSLATOR_CLASSES) {
            pending.add(root.replace('.', '/'));
        }
        while (!pending.isEmpty()) {
            String name = pending.poll();
            String file = name + ".class";
            if (classes.containsKey(file)) {
                continue;
            }
            byte[] bytes = read(file);
            classes.put(file, bytes);
            for (String used : usedClasses(bytes, file)) {
                if (!classes.containsKey(used + ".class")) {
                    pending.add(used);
                }
            }
        }
        return classes;
    }

    private static byte[] build() {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.IMPLEMENTATION_TITLE, "qsvit-djl");
        main.put(Attributes.Name.IMPLEMENTATION_VERSION, ToolVersion.get());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(buffer)) {
            jar.putNextEntry(entry(JarFile.MANIFEST_NAME)); // written by hand: JarOutputStream would stamp the clock
            manifest.write(jar);
            jar.closeEntry();
            for (Map.Entry<String, byte[]> c : classes().entrySet()) {
                jar.putNextEntry(entry(c.getKey()));
                jar.write(c.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the DJL translator jar in memory", e);
        }
        return buffer.toByteArray();
    }

    private static ZipEntry entry(String name) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(FIXED_TIME);
        return entry;
    }

    private static byte[] read(String file) {
        try (InputStream in = TranslatorJar.class.getClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("the DJL translator needs " + file + ", which is not on qsvit's class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " from qsvit's class path", e);
        }
    }

    /** The qsvit classes a class file names in its constant pool (JVMS 4.4), as internal names. */
    static Set<String> usedClasses(byte[] classFile, String file) {
        Set<String> used = new TreeSet<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalStateException(file + " is not a class file");
            }
            in.readUnsignedShort(); // minor version
            in.readUnsignedShort(); // major version
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classNameIndex = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF(); // Utf8: u2 length + modified UTF-8, which readUTF reads
                    case 7 -> classNameIndex[i] = in.readUnsignedShort(); // Class
                    case 3, 4 -> in.readInt(); // Integer, Float
                    case 5, 6 -> { // Long, Double take two entries
                        in.readLong();
                        i++;
                    }
                    case 8, 16, 19, 20 -> in.readUnsignedShort(); // String, MethodType, Module, Package
                    case 9, 10, 11, 12, 17, 18 -> in.readInt(); // member refs, NameAndType, (Invoke)Dynamic
                    case 15 -> { // MethodHandle: kind u1, reference u2
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    default -> throw new IllegalStateException(file + ": unknown constant pool tag " + tag);
                }
            }
            for (int i = 1; i < count; i++) {
                if (classNameIndex[i] != 0) {
                    String name = utf8[classNameIndex[i]];
                    if (name.startsWith(OWN_PACKAGES)) {
                        used.add(name);
                    } else if (name.startsWith("[")) {
                        addNamed(name, used); // an array class: [Lio/qsvit/...;
                    }
                }
            }
            for (String text : utf8) {
                if (text != null) {
                    addNamed(text, used); // descriptors and generic signatures
                }
            }
        } catch (EOFException e) {
            throw new IllegalStateException(file + " is a truncated class file", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return used;
    }

    private static void addNamed(String text, Set<String> used) {
        Matcher m = NAMED.matcher(text);
        while (m.find()) {
            used.add(m.group(1));
        }
    }

    /** Built on first use: most runs never serve a model. */
    private static final class Built {
        static final byte[] BYTES = build();
    }
}
