package io.qsvit.pipeline;

import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a pipeline step runs on: the run's model, data and configuration, the output folders of the steps it
 * reads, and the folder it publishes into.
 */
public record Request(Path model, Path data, PipelineConfig config, Map<String, Path> inputs, Path out) {

    public Request {
        inputs = Map.copyOf(inputs);
    }

    /** The output folder of an earlier step this step declared it reads. */
    public Path input(String step) {
        Path folder = inputs.get(step);
        if (folder == null) {
            throw new IllegalStateException("a step reads '" + step + "' without declaring it; it declared " + inputs.keySet());
        }
        return folder;
    }

    /** The run's images, in the step's own subset when it chooses one. */
    public EvaluationData data(PipelineConfig.Subset own) {
        PipelineConfig.Data run = config.data();
        boolean ownSubset = own.limit() != null;
        return new EvaluationData(data, DataFormat.parse(run.format()), run.split(),
                ownSubset ? own.limit() : run.limit(), ownSubset ? own.seed() : run.seed(), run.preprocessing(),
                run.events());
    }
}
