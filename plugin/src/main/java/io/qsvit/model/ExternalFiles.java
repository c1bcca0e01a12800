package io.qsvit.model;

import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * The rule for files a model names beside itself (ONNX external data): the file must be inside the model's
 * folder by its real path, not only by its name. A symbolic link (to a file or a folder on the way) that leads
 * out, a file with other hard links (its other names may be anywhere, e.g. a private file linked into a
 * downloaded model), or a special file (a FIFO, a device) is refused, so a model cannot make qsvit read a file
 * outside its folder and copy it into an artifact. Errors name only the location the model wrote, and say
 * nothing about a file outside (not whether it exists, not its size).
 */
public final class ExternalFiles {
    private ExternalFiles() {
    }

    /**
     * The real path of {@code location} under {@code folder}, checked as above; {@code what} names it in errors,
     * which are prefixed by {@code model}.
     */
    public static Path inside(Path folder, String location, String what, Path model) {
        Path base = folder.toAbsolutePath().normalize();
        // ".." is refused even where it would end inside: the operating system resolves it after links, which
        // ONNX Runtime, reading the same location itself, would follow (ONNX's checker refuses it too)
        if (Path.of(location).isAbsolute() || java.util.Arrays.asList(location.split("/")).contains("..")) {
            throw new UserInputException(model + ": " + what.replace("external data file", "external data location")
                    + " leaves the model's folder");
        }
        Path realBase;
        try {
            realBase = base.toRealPath();
        } catch (IOException e) {
            throw new UserInputException(model + ": " + what + " cannot be read (the model's folder cannot be)");
        }
        Path named = realBase.resolve(location).normalize();
        Path real;
        if (crossesLink(realBase, named)) {
            // a link leading out, or to nothing, gets one message: which of the two would tell whether an outside
            // file exists
            try {
                real = named.toRealPath();
            } catch (IOException e) {
                real = null;
            }
            if (real == null || !real.startsWith(realBase)) {
                throw new UserInputException(model + ": " + what + " is a link that leads out of the model's folder "
                        + "(or to nothing); copy the file into the folder");
            }
        } else if (!Files.exists(named, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserInputException(model + ": " + what + " is missing");
        } else {
            real = named;
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UserInputException(model + ": " + what + " cannot be read");
        }
        if (!attributes.isRegularFile()) {
            throw new UserInputException(model + ": " + what + " is not a regular file");
        }
        if (links(real) > 1) {
            throw new UserInputException(model + ": " + what + " has other hard links, so it may be a file from "
                    + "outside the model's folder; copy it into the folder");
        }
        return real;
    }

    /**
     * Whether a symbolic link lies on the way from {@code base} (a real path) to {@code named}, checked name by
     * name from the base down, so each check sees real folders above it.
     */
    private static boolean crossesLink(Path base, Path named) {
        Path current = base;
        for (Path part : base.relativize(named)) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                return true;
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        return false;
    }

    /** The size of a file already checked by {@link #inside}. */
    static long size(Path file, Path model) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UserInputException(model + ": cannot read external data file " + file.getFileName());
        }
    }

    /** The hard link count, 1 where the file system cannot say (no Unix attributes). */
    private static int links(Path file) {
        try {
            Map<String, Object> unix = Files.readAttributes(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            Object n = unix.get("nlink");
            return n instanceof Integer count ? count : 1;
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return 1;
        }
    }
}
