package io.qsvit.eval;

import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.data.Subset;
import io.qsvit.eval.image.Preprocessing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which labelled images a step evaluates on: where they are, in what format, and which subset (all, the
 * first N, or N stratified by a seed). Every step takes its data this way, so two steps given the same
 * request see the same images.
 *
 * @param limit number of images, or null for all of them
 * @param seed  null for the first {@code limit} images, else the seed of a stratified subset
 */
public record EvaluationData(Path path, DataFormat format, String split, Integer limit, Long seed,
                             Preprocessing preprocessing, EventOptions events) {

    public EvaluationData {
        preprocessing = preprocessing != null ? preprocessing : Preprocessing.NONE;
        events = events != null ? events : EventOptions.DEFAULT;
    }

    /** Default event options. */
    public EvaluationData(Path path, DataFormat format, String split, Integer limit, Long seed,
                          Preprocessing preprocessing) {
        this(path, format, split, limit, seed, preprocessing, EventOptions.DEFAULT);
    }

    /** Without preprocessing (the {@code none} preset), default event options. */
    public EvaluationData(Path path, DataFormat format, String split, Integer limit, Long seed) {
        this(path, format, split, limit, seed, Preprocessing.NONE, EventOptions.DEFAULT);
    }

    /**
     * Opens the data for the model {@code session} runs: samples of its input's shape (a symbolic time axis set
     * to {@code --frames}), then chooses the subset.
     */
    public Dataset loadFor(EvaluationSession session) {
        return load(session.sampleShape(events.frames()));
    }

    /**
     * Opens the data and chooses the subset; {@code shape}, the model's sample shape (null when the model leaves
     * it open), checks or completes the format. Samples are read later, when a step evaluates them.
     */
    public Dataset load(SampleShape shape) {
        DatasetSpec spec = DatasetSpec.detect().withFormat(format).withSplit(split).withShape(shape)
                .withPreprocessing(preprocessing).withEvents(events);
        Dataset data = Datasets.open(path, spec);
        if (data.size() == 0) {
            throw new UserInputException("data " + path + " holds no samples");
        }
        if (limit == null) {
            return data;
        }
        return (seed == null ? Subset.first(limit) : Subset.stratified(limit, seed)).of(data);
    }

    /** The effective parameters, as metadata and cache keys record them (the path is an input, not a parameter). */
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("format", format.toString());
        p.put("split", split);
        p.put("limit", limit);
        p.put("subset", limit == null ? "all" : seed == null ? "first" : "stratified");
        p.put("seed", seed);
        p.put("preprocessing", preprocessing.parameters());
        if (!events.isDefault()) {
            p.put("events", events.parameters());  // absent when default, so earlier cache keys stay valid
        }
        return p;
    }

    /** Digest of the data's content (not its path). */
    public String digest() {
        return Digests.ofContent(path);
    }
}
