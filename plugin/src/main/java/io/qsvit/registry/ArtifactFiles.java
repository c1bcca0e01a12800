package io.qsvit.registry;

import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The files an artifact is made of: what a push sends (one layer each) and where a pull may write them. */
final class ArtifactFiles {
    /** Path segments a layer title may use: no empty, dot-only or hidden segments, no separators of other systems. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+=,@-][A-Za-z0-9._+=,@-]{0,254}");

    private ArtifactFiles() {
    }

    /** One file of an artifact: its path relative to the artifact and where it is now. */
    record File(String title, Path path) {
    }

    /**
     * Every regular file under {@code folder} (or the one file {@code folder} is), sorted by relative path.
     * Hidden files (a step's temporary files, editors' leftovers) and symbolic links are refused rather than
     * pushed silently or skipped silently.
     */
    static List<File> list(Path source) {
        if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            String name = source.getFileName().toString();
            if (!isSafeRelativePath(name)) {
                throw new UserInputException("cannot push " + source + ": the file name '" + name + "' cannot be a layer title");
            }
            return List.of(new File(name, source));
        }
        if (!Files.isDirectory(source)) {
            throw new UserInputException("nothing to push: " + source + " is not a file or folder");
        }
        List<File> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.sorted().toList()) {
                if (p.equals(source) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String title = source.relativize(p).toString().replace('\\', '/');
                if (Files.isSymbolicLink(p) || !Files.isRegularFile(p)) {
                    throw new UserInputException("cannot push " + source + ": " + title + " is not a regular file");
                }
                if (!isSafeRelativePath(title)) {
                    throw new UserInputException("cannot push " + source + ": the file name '" + title
                            + "' cannot be a layer title (hidden or unusual characters)");
                }
                files.add(new File(title, p));
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + source + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new UserInputException("nothing to push: " + source + " holds no files");
        }
        return files;
    }

    /** A '/'-separated relative path whose every segment is an ordinary file name (no '..', no hidden files). */
    static boolean isSafeRelativePath(String title) {
        if (title == null || title.isEmpty() || title.length() > 1024) {
            return false;
        }
        for (String segment : title.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
