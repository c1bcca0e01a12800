package io.qsvit.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** SHA-256 digests of content (never of paths), the identity caches and metadata rely on. */
public final class Digests {
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.INDENT_OUTPUT);

    private Digests() {
    }

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    public static String ofFile(Path file) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Digest of an input file or of an input folder's whole content: every regular file's relative path and
     * digest, in sorted order, so the same content under another name or location has the same digest.
     * Files are read through the {@linkplain Cache#shared() shared cache}'s memo of unchanged inputs.
     */
    public static String ofContent(Path path) {
        if (Files.isRegularFile(path)) {
            return Cache.shared().digestOf(path);
        }
        if (!Files.isDirectory(path)) {
            throw new UserInputException("not found: " + path);
        }
        StringBuilder listing = new StringBuilder();
        try (Stream<Path> files = Files.walk(path)) {
            List<Path> sorted = files.filter(Files::isRegularFile).sorted().toList();
            for (Path file : sorted) {
                listing.append(path.relativize(file).toString().replace('\\', '/')).append('\t')
                        .append(Cache.shared().digestOf(file)).append('\n');
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + path + ": " + e.getMessage());
        }
        return of(listing.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Relative path ('/'-separated) -> digest of every regular file below a folder, in sorted order. */
    public static Map<String, String> ofFiles(Path folder) {
        List<Path> sorted;
        try (Stream<Path> files = Files.walk(folder)) {
            sorted = files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UserInputException("cannot read " + folder + ": " + e.getMessage());
        }
        List<String> hashes = sorted.parallelStream().map(Digests::ofFile).toList(); // large files: use every core
        Map<String, String> digests = new LinkedHashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            digests.put(folder.relativize(sorted.get(i)).toString().replace('\\', '/'), hashes.get(i));
        }
        return digests;
    }

    /** Digest of the canonical JSON of a Jackson-serialisable value. */
    public static String ofCanonicalJson(Object value) {
        return of(canonicalJson(value).getBytes(StandardCharsets.UTF_8));
    }

    /** Canonical JSON (sorted keys, no whitespace): one text per meaning, whatever the value's field order. */
    public static String canonicalJson(Object value) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.valueToTree(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable: " + value, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
