package io.qsvit.pipeline;

import io.qsvit.UserInputException;
import io.qsvit.step.ApplyStep;
import io.qsvit.step.EvaluateStep;

import java.nio.file.Path;
import java.util.List;

/** The steps of {@code qsvit run}, in order, as a configuration asks for them. */
public final class PipelineSteps {
    public static final String EXPLORE = "explore";
    /** The file in explore's output that holds the setting it chose. */
    public static final String CHOSEN_SETTING = "setting.json";

    private PipelineSteps() {
    }

    /**
     * sensitivity -> bounds -> explore -> apply -> evaluate; a setting given in the configuration skips the
     * three search steps and goes to apply.
     */
    public static List<PipelineStep> plan(PipelineConfig config) {
        if (config.apply().setting() != null) {
            return List.of(apply(null), evaluate());
        }
        // Wiring point for the search steps (sensitivity reads nothing, bounds reads sensitivity, explore
        // reads bounds and sensitivity), each a PipelineStep like apply() below that calls its step's run
        // with request.data(config.sensitivity() / config.explore()), config.requirement() and its section;
        // then return List.of(sensitivity(), bounds(), explore(), apply(EXPLORE), evaluate()).
        throw new UserInputException("the sensitivity, bounds and explore steps are not part of qsvit run yet; "
                + "give a setting as apply.setting in --config to run apply and evaluate");
    }

    /** Applies the configured setting, or the one {@code explore} chose when {@code from} names it. */
    static PipelineStep apply(String from) {
        return new PipelineStep(ApplyStep.NAME, from == null ? List.of() : List.of(from), request -> {
            Path setting = from == null ? Path.of(request.config().apply().setting())
                    : request.input(from).resolve(CHOSEN_SETTING);
            return ApplyStep.run(request.model(), setting, request.out());
        });
    }

    /** Evaluates the applied model against the run's model as the baseline. */
    static PipelineStep evaluate() {
        return new PipelineStep(EvaluateStep.NAME, List.of(ApplyStep.NAME), request -> {
            PipelineConfig config = request.config();
            String table = config.evaluate().energyTable();
            // the apply folder stands for its real model (integer codes), the one that would be deployed
            EvaluateStep.Request evaluate = new EvaluateStep.Request(request.input(ApplyStep.NAME), request.model(),
                    request.data(config.evaluate()), table == null ? null : Path.of(table), config.batch(), config.threads());
            return EvaluateStep.run(evaluate, request.out()).outcome();
        });
    }
}
