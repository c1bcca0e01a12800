package io.qsvit.cli;

import io.qsvit.UserInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The items of the pipeline's sensitivity fan-out, as a Kubeflow LIST output parameter. */
@Command(name = "shards", mixinStandardHelpOptions = true,
        description = "Write the shards of a sweep split COUNT ways (0/COUNT .. COUNT-1/COUNT) as a JSON list: the items "
                + "the pipeline's sensitivity ParallelFor iterates over.")
final class KfpShardsCommand implements Callable<Integer> {
    @Option(names = "--count", required = true, description = "Number of shards (1 or more).")
    int count;

    @Option(names = "--out", required = true, description = "File to write the JSON list to.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (count < 1) {
            throw new UserInputException("--count must be 1 or more, got " + count);
        }
        List<String> shards = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            shards.add(i + "/" + count);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, new ObjectMapper().writeValueAsString(shards));
        return 0;
    }
}
