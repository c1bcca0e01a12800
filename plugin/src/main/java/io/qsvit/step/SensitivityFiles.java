package io.qsvit.step;

import io.qsvit.search.SensitivityMatrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The files of a sensitivity output, the same whether the matrix was swept in one run or merged from shards. */
final class SensitivityFiles {
    private SensitivityFiles() {
    }

    /** Writes the matrix, its CSV and heatmap, and returns the results for the metadata. */
    static Map<String, Object> write(Path folder, SensitivityMatrix matrix) throws IOException {
        matrix.write(folder.resolve(SensitivityMatrix.FILE));
        Files.writeString(folder.resolve(SensitivityCsv.FILE), SensitivityCsv.of(matrix));
        Files.writeString(folder.resolve(SensitivityHeatmap.FILE), SensitivityHeatmap.svg(matrix));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("baseline_accuracy", matrix.baseline().accuracy());
        results.put("groups_swept", matrix.cells().size());
        results.put("cells", matrix.cells().size() * matrix.precisions().size());
        results.put("tolerate_4_bits", matrix.findings().tolerate4Bits());
        results.put("need_more_than_4_bits", matrix.findings().needMoreThan4Bits());
        return results;
    }
}
