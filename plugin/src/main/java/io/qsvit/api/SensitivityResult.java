package io.qsvit.api;

import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.Trial;

import java.nio.file.Path;
import java.util.List;

/**
 * The published sensitivity matrix: each group's accuracy alone at each precision, and the float baseline.
 * The output folder holds {@code sensitivity.json}, {@code sensitivity.csv}, {@code heatmap.svg} and
 * {@code metadata.json}.
 */
public final class SensitivityResult {
    private final Outcome outcome;
    private final Path folder;
    private final SensitivityMatrix matrix;

    SensitivityResult(Outcome outcome, Path folder, SensitivityMatrix matrix) {
        this.outcome = outcome;
        this.folder = folder;
        this.matrix = matrix;
    }

    /**
     * How the output came to be.
     *
     * @return the outcome
     */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * The output folder.
     *
     * @return the folder
     */
    public Path folder() {
        return folder;
    }

    /**
     * The columns of the matrix.
     *
     * @return the precisions, in order
     */
    public List<Scheme> precisions() {
        return matrix.precisions().stream().map(Scheme::of).toList();
    }

    /**
     * The float model's accuracy on the same images.
     *
     * @return the baseline accuracy
     */
    public double baselineAccuracy() {
        return matrix.baseline().accuracy();
    }

    /**
     * The model's groups, in model order (with a shard, all of them: {@link #isMeasured} says which it swept).
     *
     * @return the group names
     */
    public List<String> groups() {
        return matrix.groups().stream().map(SensitivityMatrix.GroupEntry::name).toList();
    }

    /**
     * A group's kind.
     *
     * @param group a group name
     * @return its kind
     * @throws IllegalArgumentException for a group the model does not have
     */
    public GroupKind kind(String group) {
        return matrix.groups().stream().filter(g -> g.name().equals(group)).findFirst()
                .map(g -> GroupKind.of(g.kind()))
                .orElseThrow(() -> new IllegalArgumentException("no group '" + group + "' in " + groups()));
    }

    /**
     * Whether a cell was measured (every cell of a whole sweep; a shard's groups only).
     *
     * @param group     a group name
     * @param precision one of {@link #precisions()}
     * @return whether the matrix holds the cell
     */
    public boolean isMeasured(String group, Scheme precision) {
        return matrix.cells().containsKey(group) && matrix.cells().get(group).containsKey(precision.id());
    }

    /**
     * The accuracy with one group at one precision and every other group at float32.
     *
     * @param group     a group name
     * @param precision one of {@link #precisions()}
     * @return the accuracy
     * @throws IllegalArgumentException for a cell the matrix does not hold
     */
    public double accuracy(String group, Scheme precision) {
        if (!isMeasured(group, precision)) {
            throw new IllegalArgumentException("the matrix holds no cell for group '" + group + "' at " + precision);
        }
        Trial trial = matrix.cells().get(group).get(precision.id());
        return trial.accuracy();
    }
}
