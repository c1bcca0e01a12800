package io.qsvit.step;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.StepContext;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.Shard;
import io.qsvit.search.Trial;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the outputs of {@code sensitivity --shard i/n}, i = 0 .. n-1, into the output one whole run gives:
 * the same {@code sensitivity.json}, CSV and heatmap bytes and the same cache key. The shards must come from
 * the same model, data and parameters, and each shard must be given exactly once.
 */
public final class SensitivityMerge {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SensitivityMerge() {
    }

    /** One shard's output folder, read and checked. */
    private record ShardOutput(Path folder, SensitivityMatrix matrix, StepContext context) {
        static ShardOutput read(Path folder) {
            SensitivityMatrix matrix = SensitivityMatrix.read(folder);
            if (matrix.shard() == null) {
                throw new UserInputException(folder + " is a whole sensitivity run, not a shard; there is nothing to merge");
            }
            JsonNode metadata = PublishedMetadata.read(folder, SensitivityStep.NAME, SensitivityStep.ALGORITHM_VERSION);
            ObjectNode parameters = metadata.get("parameters").deepCopy();
            parameters.remove("shard");
            Map<String, Object> whole = JSON.convertValue(parameters, new TypeReference<LinkedHashMap<String, Object>>() { });
            Map<String, String> inputs = JSON.convertValue(metadata.get("inputs"), new TypeReference<LinkedHashMap<String, String>>() { });
            return new ShardOutput(folder, matrix, new StepContext(SensitivityStep.NAME, SensitivityStep.ALGORITHM_VERSION, whole, inputs));
        }
    }

    public static SensitivityStep.Result run(List<Path> shardFolders, Path out) {
        if (shardFolders.isEmpty()) {
            throw new UserInputException("no shard folders to merge");
        }
        ShardOutput[] byIndex = null;
        ShardOutput first = null;
        for (Path folder : shardFolders) {
            ShardOutput shard = ShardOutput.read(folder);
            Shard s = shard.matrix().shard();
            if (first == null) {
                first = shard;
                byIndex = new ShardOutput[s.count()];
            }
            checkSameRun(first, shard);
            if (byIndex[s.index()] != null) {
                throw new UserInputException("shard " + s + " is given twice: " + byIndex[s.index()].folder() + " and " + folder);
            }
            byIndex[s.index()] = shard;
        }
        for (int i = 0; i < byIndex.length; i++) {
            if (byIndex[i] == null) {
                throw new UserInputException("shard " + i + "/" + byIndex.length + " is missing");
            }
        }
        SensitivityMatrix merged = merge(byIndex);
        ArtifactFolder.Outcome outcome = ArtifactFolder.publish(out, first.context(),
                (folder, timings) -> SensitivityFiles.write(folder, merged));
        return new SensitivityStep.Result(outcome, SensitivityMatrix.read(out));
    }

    private static void checkSameRun(ShardOutput first, ShardOutput other) {
        if (other.matrix().shard().count() != first.matrix().shard().count()) {
            throw new UserInputException(other.folder() + " is shard " + other.matrix().shard() + " but "
                    + first.folder() + " is shard " + first.matrix().shard() + "; merge shards of one split");
        }
        if (!other.context().cacheKey().equals(first.context().cacheKey())) {
            throw new UserInputException(other.folder() + " and " + first.folder() + " were swept with different "
                    + "models, data or parameters");
        }
        if (!JSON.valueToTree(other.matrix().baseline()).equals(JSON.valueToTree(first.matrix().baseline()))) {
            throw new UserInputException(other.folder() + " and " + first.folder() + " measured different float "
                    + "baselines on the same inputs; evaluation was not deterministic");
        }
    }

    private static SensitivityMatrix merge(ShardOutput[] shards) {
        SensitivityMatrix any = shards[0].matrix();
        Map<String, Map<String, Trial>> cells = new LinkedHashMap<>();
        for (int i = 0; i < any.groups().size(); i++) {
            String group = any.groups().get(i).name();
            cells.put(group, shards[i % shards.length].matrix().cells().get(group));
        }
        return SensitivityMatrix.of(null, any.grouping(), any.precisions(), any.baseline(), any.groups(), cells);
    }
}
