package io.qsvit.artifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Digests of input files (models, data) remembered in the cache folder by the file's identity: absolute path,
 * size, modification and status-change times, and file key (device and inode). A re-run then does not read
 * unchanged inputs again to compute its cache keys; any write to a file changes its status-change time, so
 * a changed file is read again. One small file per input path, replaced by an atomic rename, holding the
 * identity, the digest and a checksum of both: a memo whose checksum does not match (damaged, or edited to
 * name another file's digest) is reported, removed and the file read again, as a corrupted cache entry is.
 * <p>File times are coarse (milliseconds on Linux, seconds on some file systems), so a file changed twice
 * within one tick keeps its times: a digest is only remembered for a file whose times are older than
 * {@link #SETTLED}, when a later write can no longer carry the same times.
 */
final class DigestMemo {
    static final Duration SETTLED = Duration.ofSeconds(2);
    /** A memo is three short lines; anything larger is not one. */
    private static final long MAX_BYTES = 64 * 1024;

    private final Path folder;
    private final Duration settled;
    private final Consumer<String> warnings;

    DigestMemo(Path folder, Duration settled, Consumer<String> warnings) {
        this.folder = folder;
        this.settled = settled;
        this.warnings = warnings;
    }

    String digestOf(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        String identity = identity(absolute);
        Path memo = folder.resolve(Digests.of(absolute.toString().getBytes(StandardCharsets.UTF_8)));
        String remembered = read(memo, identity, absolute);
        if (remembered != null) {
            return remembered;
        }
        String digest = Digests.ofFile(absolute);
        if (identity != null && identity.equals(identity(absolute))) { // unchanged while it was read
            write(memo, text(identity, digest));
        }
        return digest;
    }

    /** Null when the file system cannot say enough to recognise the file again, or the file changed too lately. */
    private String identity(Path file) {
        try {
            Map<String, Object> unix = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,dev,ino");
            FileTime modified = (FileTime) unix.get("lastModifiedTime");
            FileTime changed = (FileTime) unix.get("ctime");
            Instant settledBefore = Instant.now().minus(settled);
            if (!modified.toInstant().isBefore(settledBefore) || !changed.toInstant().isBefore(settledBefore)) {
                return null;
            }
            return file + "\t" + unix.get("size") + "\t" + modified + "\t" + changed + "\t" + unix.get("dev") + ":" + unix.get("ino");
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return null; // not a Unix file system: always read the file
        }
    }

    /** The memo's content: identity, digest, and the checksum of both. */
    static String text(String identity, String digest) {
        String body = identity + "\n" + digest + "\n";
        return body + Digests.of(body.getBytes(StandardCharsets.UTF_8)) + "\n";
    }

    private String read(Path memo, String identity, Path file) {
        if (identity == null || !Files.isRegularFile(memo)) {
            return null;
        }
        List<String> lines;
        try {
            if (Files.size(memo) > MAX_BYTES) {
                lines = List.of();
            } else {
                lines = Files.readAllLines(memo, StandardCharsets.UTF_8);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            lines = List.of();
        }
        boolean intact = lines.size() == 3 && lines.get(1).matches("[0-9a-f]{64}")
                && text(lines.get(0), lines.get(1)).equals(String.join("\n", lines) + "\n");
        if (!intact) {
            warnings.accept("remembered digest of " + file + " is damaged; reading the file again");
            deleteQuietly(memo);
            return null;
        }
        return Objects.equals(lines.get(0), identity) ? lines.get(1) : null;
    }

    private void write(Path memo, String text) {
        Path temp = null;
        try {
            temp = Files.createTempFile(folder, ".memo-", "");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, memo, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temp); // not remembered: the next run reads the file again
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // a stray temporary file in the memo folder is never read as a memo
        }
    }
}
