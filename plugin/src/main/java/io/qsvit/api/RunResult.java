package io.qsvit.api;

import java.nio.file.Path;
import java.util.List;

/**
 * How a pipeline run went: each step's outcome and folder, and the final evaluation (the chosen or given setting
 * applied, against the float model).
 *
 * @param steps      every step that ran, in order
 * @param evaluation the evaluate step's result
 */
public record RunResult(List<StepRun> steps, EvaluateResult evaluation) {
    /**
     * Copies the steps.
     *
     * @param steps      every step that ran, in order
     * @param evaluation the evaluate step's result
     */
    public RunResult {
        steps = List.copyOf(steps);
    }

    /**
     * One step of a run.
     *
     * @param step    the step's name ({@code sensitivity}, {@code bounds}, {@code explore}, {@code apply},
     *                {@code evaluate})
     * @param outcome how its output came to be
     * @param folder  its output folder
     * @param seconds how long it took (timing, not a result)
     */
    public record StepRun(String step, Outcome outcome, Path folder, double seconds) {
    }
}
