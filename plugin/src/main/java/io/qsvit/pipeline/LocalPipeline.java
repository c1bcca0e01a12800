package io.qsvit.pipeline;

import io.qsvit.Folders;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.OutputLock;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs pipeline steps one after the other on this machine, each into {@code DIR/<step>}, each through the
 * cache, handing every step the output folders of the steps it reads.
 */
public final class LocalPipeline {
    /** How one step of a run ended. */
    public record StepRun(String step, ArtifactFolder.Outcome outcome, Path folder, double seconds) {
    }

    private LocalPipeline() {
    }

    /**
     * @param progress told of each step as it finishes
     * @return every step's run, in order
     */
    public static List<StepRun> run(List<PipelineStep> plan, Path model, Path data, PipelineConfig config, Path out,
                                    Consumer<StepRun> progress) {
        return run(plan, model, data, config, out, step -> { }, progress);
    }

    /** As above; {@code starting} is told each step's name as it starts. */
    public static List<StepRun> run(List<PipelineStep> plan, Path model, Path data, PipelineConfig config, Path out,
                                    Consumer<String> starting, Consumer<StepRun> progress) {
        checkOrder(plan);
        Path root = out.toAbsolutePath().normalize();
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new UserInputException("output " + out + " exists and is not a folder");
        }
        boolean created = !Files.exists(root);
        // a second run into the same --out fails here, before any work
        try (OutputLock lock = OutputLock.acquire(root, out)) {
            lock.sweepInside(StepFolders::isStaging); // hidden step folders of a killed run
            return runLocked(plan, model, data, config, out, root, starting, progress);
        } catch (RuntimeException e) {
            if (created) {
                deleteIfEmpty(root); // nothing half-written: not even an empty --out
            }
            throw e;
        }
    }

    private static List<StepRun> runLocked(List<PipelineStep> plan, Path model, Path data, PipelineConfig config, Path out,
                                           Path root, Consumer<String> starting, Consumer<StepRun> progress) {
        for (PipelineStep step : plan) {
            StepFolders.checkReplaceable(root.resolve(step.name()), step.name());
        }
        Map<String, Path> done = new LinkedHashMap<>();
        List<StepRun> runs = new ArrayList<>();
        for (PipelineStep step : plan) {
            starting.accept(step.name());
            long start = System.nanoTime();
            Map<String, Path> inputs = new LinkedHashMap<>();
            step.reads().forEach(read -> inputs.put(read, done.get(read)));
            Path staging = StepFolders.staging(root, step.name());
            Path folder = root.resolve(step.name());
            ArtifactFolder.Outcome outcome;
            try {
                outcome = step.runner().run(new Request(model, data, config, inputs, staging));
                StepFolders.install(staging, folder);
            } finally {
                deleteQuietly(staging); // gone already after a successful install
            }
            done.put(step.name(), folder);
            StepRun run = new StepRun(step.name(), outcome, folder, (System.nanoTime() - start) / 1e9);
            runs.add(run);
            progress.accept(run);
        }
        return runs;
    }

    /** Every step reads only steps before it, and no two steps share a folder. */
    private static void checkOrder(List<PipelineStep> plan) {
        Set<String> before = new HashSet<>();
        for (PipelineStep step : plan) {
            for (String read : step.reads()) {
                if (!before.contains(read)) {
                    throw new IllegalArgumentException("step " + step.name() + " reads " + read + ", which does not run before it");
                }
            }
            if (!before.add(step.name())) {
                throw new IllegalArgumentException("step " + step.name() + " appears twice");
            }
        }
    }

    private static void deleteIfEmpty(Path folder) {
        try {
            Files.deleteIfExists(folder);
        } catch (java.io.IOException e) {
            // not empty (another process wrote there meanwhile), or not ours to remove
        }
    }

    private static void deleteQuietly(Path folder) {
        try {
            Folders.deleteRecursively(folder);
        } catch (UncheckedIOException e) {
            // a hidden leftover beside the outputs; the error that got us here matters more
        }
    }
}
