package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** How the folder readers list a folder, so their order never depends on the file system. */
final class Folders {
    private Folders() {
    }

    /** Entries not starting with '.', sorted by name (String order, independent of locale and file system). */
    static List<Path> list(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UserInputException("cannot list folder " + folder + ": " + e.getMessage());
        }
    }
}
