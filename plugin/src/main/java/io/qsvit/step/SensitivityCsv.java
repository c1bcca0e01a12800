package io.qsvit.step;

import io.qsvit.quant.Scheme;
import io.qsvit.search.SensitivityMatrix;

import java.util.Map;

/**
 * The sensitivity matrix as CSV for spreadsheets: {@code group,kind,params}, then one column per precision
 * holding the accuracy with that group alone at that precision (the same numbers as the JSON). Groups a shard
 * did not sweep are left out.
 */
final class SensitivityCsv {
    static final String FILE = "sensitivity.csv";

    private SensitivityCsv() {
    }

    static String of(SensitivityMatrix matrix) {
        StringBuilder csv = new StringBuilder("group,kind,params");
        for (Scheme s : matrix.precisions()) {
            csv.append(',').append(field(s.id()));
        }
        csv.append('\n');
        for (SensitivityMatrix.GroupEntry g : matrix.groups()) {
            Map<String, ?> row = matrix.cells().get(g.name());
            if (row == null) {
                continue;
            }
            csv.append(field(g.name())).append(',').append(g.kind().id()).append(',').append(g.params());
            for (Scheme s : matrix.precisions()) {
                csv.append(',').append(matrix.trial(g.name(), s).accuracy());
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** RFC 4180 quoting, needed only for group names with commas, quotes or line breaks. */
    private static String field(String text) {
        if (text.chars().noneMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r')) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
