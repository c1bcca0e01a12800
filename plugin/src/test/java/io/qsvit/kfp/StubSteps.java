package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.qsvit.Examples;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.StepContext;
import io.qsvit.cli.Qsvit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Stand-ins for the step commands being written on other branches (sensitivity, sensitivity-merge, bounds,
 * explore), with the options their briefs give, so the five-step pipeline can be generated, validated and
 * run before they land. Each publishes a real artifact folder; explore's setting is the bundled example's;
 * sensitivity-merge and bounds publish the search tests' measured documents, which the real explore reads.
 * A registered real command always wins over its stand-in.
 */
public final class StubSteps {
    private StubSteps() {
    }

    /** The qsvit command line with a stand-in for every step command it does not have yet. */
    public static CommandLine root() {
        CommandLine root = Qsvit.commandLine();
        Map<String, Object> stubs = Map.of("sensitivity", new Sensitivity(), "sensitivity-merge", new SensitivityMerge(),
                "bounds", new Bounds(), "explore", new Explore());
        stubs.forEach((name, command) -> {
            if (!root.getSubcommands().containsKey(name)) {
                root.addSubcommand(name, command);
            }
        });
        return root;
    }

    /** True when every step command is a real one (the other branches have landed). */
    public static boolean allStepsReal() {
        return Qsvit.commandLine().getSubcommands().keySet()
                .containsAll(List.of("sensitivity", "sensitivity-merge", "bounds", "explore"));
    }

    /** The entry point the local runner starts as "qsvit" in tests of the five-step pipeline. */
    public static void main(String[] args) {
        System.exit(root().execute(args));
    }

    static Path exampleSetting() {
        return Examples.root().resolve("settings/sdtv2-qsvit-final.yaml");
    }

    private static int publish(String step, Path out, Map<String, Object> results, Path settingToCopy) {
        ArtifactFolder.publish(out, new StepContext(step, 0, Map.of(), Map.of("stub", step + results)), (folder, timings) -> {
            if (settingToCopy != null) { // explore writes its chosen setting as JSON
                JsonNode setting = new ObjectMapper(new YAMLFactory()).readTree(settingToCopy.toFile());
                Files.writeString(folder.resolve("setting.json"), new ObjectMapper().writeValueAsString(setting));
            }
            return results;
        });
        return 0;
    }

    /**
     * Publishes the documents the real step writes, as measured on the SDTv2 model by the search tests'
     * fixtures ({@code SearchFixtures}), so the real explore can read them.
     */
    private static int publishFixture(String step, Path out, Map<String, Object> results, String fixture) {
        ArtifactFolder.publish(out, new StepContext(step, 0, Map.of(), Map.of("stub", step + results)), (folder, timings) -> {
            try (var files = Files.list(searchFixture(fixture))) {
                for (Path file : files.toList()) {
                    Files.copy(file, folder.resolve(file.getFileName()));
                }
            }
            return results;
        });
        return 0;
    }

    private static Path searchFixture(String name) {
        try {
            return Path.of(StubSteps.class.getResource("/io/qsvit/search/sdtv2-stage/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    abstract static class DataStep {
        @Option(names = "--model", required = true)
        Path model;
        @Option(names = "--data", required = true)
        Path data;
        @Option(names = "--format", defaultValue = "auto")
        String format;
        @Option(names = "--split", defaultValue = "t10k")
        String split;
        @Option(names = "--limit")
        Integer limit;
        @Option(names = "--seed")
        Long seed;
        @Option(names = "--out", required = true)
        Path out;
    }

    @Command(name = "sensitivity")
    static final class Sensitivity extends DataStep implements Callable<Integer> {
        @Option(names = "--precisions", defaultValue = "uniform16,uniform12,uniform8,uniform4")
        String precisions;
        @Option(names = "--shard")
        String shard;

        @Override
        public Integer call() {
            return publish("sensitivity", out, Map.of("shard", String.valueOf(shard), "images", String.valueOf(limit)), null);
        }
    }

    @Command(name = "sensitivity-merge")
    static final class SensitivityMerge implements Callable<Integer> {
        @Option(names = "--shards", required = true, arity = "1..*")
        List<Path> shards;
        @Option(names = "--out", required = true)
        Path out;

        @Override
        public Integer call() {
            for (Path shard : shards) {
                if (!Files.isRegularFile(shard.resolve("metadata.json"))) {
                    throw new IllegalStateException("not a shard: " + shard);
                }
            }
            return publishFixture("sensitivity-merge", out, Map.of("shards", shards.size()), "sensitivity");
        }
    }

    @Command(name = "bounds")
    static final class Bounds extends DataStep implements Callable<Integer> {
        @Option(names = "--sensitivity", required = true)
        Path sensitivity;
        @Option(names = "--max-drop")
        Double maxDrop;
        @Option(names = "--target-accuracy")
        Double targetAccuracy;
        @Option(names = "--tolerance-high")
        boolean toleranceHigh;
        @Option(names = "--tolerance-low")
        boolean toleranceLow;

        @Override
        public Integer call() {
            return publishFixture("bounds", out, Map.of("max_drop", maxDrop == null ? -1 : maxDrop,
                    "tolerance_high", toleranceHigh), "bounds");
        }
    }

    @Command(name = "explore")
    static final class Explore extends DataStep implements Callable<Integer> {
        @Option(names = "--bounds", required = true)
        Path bounds;
        @Option(names = "--sensitivity")
        Path sensitivity;
        @Option(names = "--strategy", defaultValue = "guided")
        String strategy;
        @Option(names = "--max-drop")
        Double maxDrop;

        @Override
        public Integer call() {
            return publish("explore", out, Map.of("strategy", strategy, "chosen", Map.of("trials", 1)), exampleSetting());
        }
    }
}
