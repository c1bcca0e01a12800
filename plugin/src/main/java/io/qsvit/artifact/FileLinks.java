package io.qsvit.artifact;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Places a folder's files under another folder: models ({@code *.onnx}) as hard links where the file system
 * allows, everything else as copies. Model readers refuse external data files with other hard links (their
 * other names might be outside the model's folder, {@link io.qsvit.model.ExternalFiles}), so a model's side
 * files are copied; the other files besides models are small.
 */
final class FileLinks {
    private FileLinks() {
    }

    static void linkOrCopy(Path from, Path to) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        boolean linking = true;
        for (Path file : files) {
            Path target = to.resolve(from.relativize(file).toString());
            Files.createDirectories(target.getParent());
            if (linking && file.getFileName().toString().endsWith(".onnx")) {
                try {
                    Files.createLink(target, file);
                    continue;
                } catch (UnsupportedOperationException | FileSystemException e) {
                    linking = false; // another file system, or one without hard links: copy this and the rest
                }
            }
            Files.copy(file, target);
        }
    }
}
