package io.qsvit.fuzz;

import io.qsvit.Folders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One scratch folder per fuzz test class, emptied before each input (readers take paths). */
final class FuzzFiles {
    private final Path root;

    FuzzFiles(String name) {
        try {
            root = Files.createTempDirectory("qsvit-fuzz-" + name);
            root.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An empty folder for the next input. */
    Path fresh() {
        Path folder = root.resolve("input");
        Folders.deleteRecursively(folder);
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
