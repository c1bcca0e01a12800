package io.qsvit.cli;

import io.qsvit.InputLimits;
import io.qsvit.UserInputException;
import io.qsvit.bench.ApplyBenchmark;
import io.qsvit.bench.DataPathBenchmark;
import io.qsvit.bench.ImagesBenchmark;
import io.qsvit.bench.PytorchBenchmark;
import io.qsvit.bench.RuntimeBenchmark;
import io.qsvit.bench.RunBenchmark;
import io.qsvit.bench.SearchBenchmark;
import io.qsvit.bench.SessionsBenchmark;
import io.qsvit.bench.SwitchBenchmark;
import io.qsvit.bench.Workload;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.MemoryDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Performance benchmarks that print medians and ratios against baselines run in the same process. */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Performance benchmarks: medians after a warm-up, run in turns with baselines measured in the same process.")
final class BenchmarkCommand implements Callable<Integer> {
    enum Suite { apply, evaluate, all, search, images, runtime, sessions, run }

    @Spec
    CommandSpec spec;

    @Option(names = "--suite", defaultValue = "apply", description = "apply: the apply step on a synthetic 55.9M-weight "
            + "model vs a byte copy and a protobuf read + write; evaluate: evaluation vs a bare ONNX Runtime loop, and a "
            + "setting switch vs evaluating 1000 images and vs a new session; all: both; search: explore's guided and "
            + "heterogeneous strategies side by side on --bounds and --sensitivity; images: decode + preprocess vs PIL + "
            + "torchvision, and evaluation end to end vs bare ONNX Runtime on a synthetic 224x224 model; runtime: float "
            + "vs real models (both --runtime forms) at uniform8 and uniform4: throughput, load time, resident memory, "
            + "real vs simulated scores, on --model, the other reference model beside it and the synthetic 55.9M-weight "
            + "spiking model; sessions: a group's sensitivity cells on the whole switchable session vs the prefix/suffix "
            + "cut, and a trial on the switchable session vs a new fixed-weight session per image count; run: the whole "
            + "qsvit run (--config) on each of --models, sensitivity and bounds swept full and raced, as evaluations of "
            + "the final images by bare ONNX Runtime, each step's share, and the chosen setting on held-out images "
            + "(default: ${DEFAULT-VALUE}).")
    Suite suite;

    @Option(names = "--config", defaultValue = "examples/pipelines/quickstart.yaml",
            description = "run: the pipeline configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--models", split = ",", defaultValue = "examples/models/sdtv2,examples/models/spikformer",
            description = "run: model folders or files, each run whole (default: ${DEFAULT-VALUE}).")
    List<Path> models;

    @Option(names = "--repeats", defaultValue = "5", description = "Measured turns after one warm-up (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--scale", defaultValue = "1.7", description = "apply, runtime: channel scale of the synthetic model (1.7 = 55.9M weights).")
    double scale;

    @Option(names = "--work", description = "apply, search: scratch folder (default: a new temporary folder).")
    Path work;

    @Option(names = "--model", defaultValue = "examples/models/sdtv2/model.onnx",
            description = "evaluate, search: ONNX model (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--data", defaultValue = "examples/data/fashion-mnist-2000",
            description = "evaluate, search: labelled images (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--limit", description = "evaluate, search: only the first N images (quick runs; not with --pytorch).")
    Integer limit;

    @Option(names = "--seed", description = "search: with --limit, N class-balanced images chosen with this seed "
            + "(the images a pipeline config's data {limit: N, seed: S} searches on) instead of the first N.")
    Long seed;

    @Option(names = "--threads", defaultValue = "2", description = "evaluate, search: ONNX Runtime and PyTorch threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--batch", defaultValue = "250", description = "evaluate: images per call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--pytorch", description = "evaluate: also time PyTorch eager on the same images (bench_pytorch.py "
            + "beside the model folders, run by /usr/bin/python3; skipped, with the reason, where that cannot run).")
    boolean pytorch;

    @Option(names = "--bounds", description = "search: output folder of the bounds step.")
    Path bounds;

    @Option(names = "--sensitivity", description = "search: output folder of the sensitivity step.")
    Path sensitivity;

    @Option(names = "--max-drop", description = "search: overrides the bounds' accuracy requirement.")
    Double maxDrop;

    @Option(names = "--objective", description = "search: the cost both strategies minimise and are compared on "
            + "(stored_bytes, energy, effective_bits or a weighted mix; default: accounted memory).")
    String objective;

    @Option(names = "--images", defaultValue = "70", description = "images: number of files when --data is not "
            + "an image folder: scikit-image's photographs as JPEG, repeated (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--workers", description = "images: reader threads (default: all cores).")
    Integer workers;

    @Option(names = "--blocks", defaultValue = "4", description = "images: MLP blocks of the synthetic 224x224 model "
            + "(default: ${DEFAULT-VALUE}).")
    int blocks;

    /** --model, then the other reference models in the folder beside its own (examples/models/*). */
    private static List<Path> referenceModels(Path model) throws java.io.IOException {
        List<Path> models = new ArrayList<>(List.of(model));
        Path folders = model.toAbsolutePath().getParent().getParent();
        try (java.util.stream.Stream<Path> siblings = Files.list(folders)) {
            siblings.map(f -> f.resolve("model.onnx")).filter(Files::isRegularFile).sorted()
                    .filter(f -> !f.equals(model.toAbsolutePath().normalize())).filter(BenchmarkCommand::takesImages)
                    .forEach(models::add);
        }
        return models;
    }

    /** Whether the model's data input is a batch of images [N, C, H, W] (event models take a time axis too). */
    private static boolean takesImages(Path model) {
        ai.onnx.proto.OnnxMl.GraphProto graph = io.qsvit.model.OnnxModel.load(model).proto().getGraph();
        java.util.Set<String> initializers = new java.util.HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        return graph.getInputList().stream().filter(i -> !initializers.contains(i.getName())).findFirst()
                .map(i -> i.getType().getTensorType().getShape().getDimCount() == 4).orElse(false);
    }

    @Override
    public Integer call() throws Exception {
        if (repeats < 1) {
            throw new UserInputException("--repeats must be at least 1, not " + repeats);
        }
        InputLimits.threads("--threads", threads);
        InputLimits.batch("--batch", batch);
        if (pytorch && (suite == Suite.apply || suite == Suite.sessions)) {
            throw new UserInputException("--pytorch belongs to the evaluate suite: add --suite evaluate or --suite all");
        }
        if (pytorch && limit != null) {
            throw new UserInputException("--pytorch checks PyTorch against the manifest's count on all the images: leave out --limit");
        }
        if (suite != Suite.search && (bounds != null || sensitivity != null || maxDrop != null || objective != null
                || seed != null)) {
            throw new UserInputException("--bounds, --sensitivity, --max-drop, --objective and --seed belong to the search "
                    + "suite: add --suite search");
        }
        if (seed != null && limit == null) {
            throw new UserInputException("--seed chooses a class-balanced subset and needs --limit");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (suite == Suite.search) {
            if (bounds == null || pytorch) {
                throw new UserInputException("--suite search needs --bounds (and takes no --pytorch)");
            }
            Path folder = work != null ? Files.createDirectories(work) : Files.createTempDirectory("qsvit-bench");
            SearchBenchmark.run(new SearchBenchmark.Options(model, data, bounds, sensitivity, maxDrop, limit, threads,
                    objective == null ? null : io.qsvit.search.Objective.parse(objective), seed), folder, out);
            return 0;
        }
        if (suite == Suite.run) {
            if (pytorch || limit != null) {
                throw new UserInputException("--suite run takes its images from --config: leave out --limit and --pytorch");
            }
            for (Path m : models) {
                if (!Files.exists(m)) {
                    throw new UserInputException("model not found: " + m);
                }
            }
            if (!Files.isRegularFile(config)) {
                throw new UserInputException("pipeline configuration not found: " + config);
            }
            Path folder = work != null ? Files.createDirectories(work) : Files.createTempDirectory("qsvit-bench");
            RunBenchmark.run(new RunBenchmark.Options(models, data, config, threads, repeats), folder, out);
            return 0;
        }
        if (suite == Suite.images) {
            Path folder = work != null ? Files.createDirectories(work) : Files.createTempDirectory("qsvit-bench");
            boolean imageFolder = spec.commandLine().getParseResult().hasMatchedOption("--data");
            if (imageFolder && Datasets.detect(data) != DataFormat.IMAGES) {
                throw new UserInputException("--suite images reads an image folder (one sub-folder per class); " + data
                        + " holds " + Datasets.detect(data) + " data");
            }
            int imageBatch = spec.commandLine().getParseResult().hasMatchedOption("--batch") ? batch : 32;
            ImagesBenchmark.run(new ImagesBenchmark.Options(imageFolder ? data : null, images, threads,
                    workers != null ? workers : Runtime.getRuntime().availableProcessors(), imageBatch, repeats, blocks),
                    folder, out);
            return 0;
        }
        if (suite == Suite.runtime) {
            Path folder = work != null ? Files.createDirectories(work) : Files.createTempDirectory("qsvit-bench");
            Dataset images = Datasets.open(data, DatasetSpec.detect());
            if (limit != null) {
                images = images.first(limit);
            }
            List<RuntimeBenchmark.Subject> subjects = new ArrayList<>();
            for (Path reference : referenceModels(model)) {
                subjects.add(RuntimeBenchmark.reference(reference.getParent().getFileName().toString(), reference, images, batch));
            }
            subjects.add(RuntimeBenchmark.synthetic(scale, folder));
            RuntimeBenchmark.run(subjects, threads, repeats, folder, out);
            return 0;
        }
        if (suite == Suite.sessions) {
            Dataset images = Datasets.open(data, DatasetSpec.detect());
            if (limit != null) {
                images = images.first(limit);
            }
            images = MemoryDataset.load(images, Runtime.getRuntime().availableProcessors());
            SessionsBenchmark.run(new Workload(model, data, images, threads, batch, repeats), out);
            return 0;
        }
        if (suite != Suite.evaluate) {
            Path folder = work != null ? Files.createDirectories(work) : Files.createTempDirectory("qsvit-bench");
            ApplyBenchmark.run(scale, repeats, folder, out);
        }
        if (suite != Suite.apply) {
            Dataset images = Datasets.open(data, DatasetSpec.detect());
            if (limit != null) {
                images = images.first(limit);
            }
            images = MemoryDataset.load(images, Runtime.getRuntime().availableProcessors());
            Workload workload = new Workload(model, data, images, threads, batch, repeats);
            DataPathBenchmark.run(workload, out);
            SwitchBenchmark.run(workload, out);
            if (pytorch) {
                PytorchBenchmark.run(workload, out);
            }
        }
        return 0;
    }
}
