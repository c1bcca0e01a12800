package io.qsvit.kfp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a container's command line runs on this machine. With an image root (the image's file system laid out
 * in a folder, as the container build makes it) an absolute command runs from there, so the image's own
 * entrypoint runs exactly as in the container. Without one, the image entrypoint is replaced by the running
 * qsvit ({@code selfCommand}); any other command runs as it is.
 */
public record CommandMapping(Path imageRoot, List<String> entrypoint, List<String> selfCommand) {

    public List<String> map(List<String> command) {
        List<String> mapped = new ArrayList<>();
        if (imageRoot != null) {
            String program = command.get(0);
            mapped.add(program.startsWith("/") ? imageRoot.resolve(program.substring(1)).toString() : program);
            mapped.addAll(command.subList(1, command.size()));
            return mapped;
        }
        if (command.size() >= entrypoint.size() && command.subList(0, entrypoint.size()).equals(entrypoint)) {
            mapped.addAll(selfCommand);
            mapped.addAll(command.subList(entrypoint.size(), command.size()));
            return mapped;
        }
        return List.copyOf(command);
    }
}
