package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;

/** Where a task input comes from, as the pipeline author says it; {@link DagBuilder} turns it into IR bindings. */
public sealed interface Source {
    /** A pipeline (root) input parameter. */
    record PipelineParameter(String name) implements Source {
    }

    /** An output artifact of a task (a loop task's collected output is a list). */
    record TaskArtifact(String task, String key, ArtifactType type, boolean list) implements Source {
    }

    /** An output parameter of a task. */
    record TaskParameter(String task, String key, ParameterType type) implements Source {
    }

    /** A value fixed in the spec. */
    record Constant(JsonNode value) implements Source {
    }

    /** The current item of the enclosing loop. */
    record LoopItem() implements Source {
    }
}
