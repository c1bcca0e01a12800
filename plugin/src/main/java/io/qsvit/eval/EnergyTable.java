package io.qsvit.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.ConfigFiles;
import io.qsvit.UserInputException;
import io.qsvit.quant.Scheme;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Energy per arithmetic operation, in picojoules. Float32 weights cost float32 operations; quantized weights
 * cost integer operations at their bit width. The table gives integer costs at a few widths; other widths
 * follow the power law through the two nearest points (log-log interpolation), which matches how adders
 * (about linear in bits) and multipliers (about quadratic) scale and is exact at every point in the table.
 */
public record EnergyTable(String source, FloatOps float32, IntegerOps integer) {
    public static final String SCHEMA = "qsvit.energy-table/v1";
    private static final String DEFAULT_RESOURCE = "energy-45nm.json";

    public record FloatOps(@JsonProperty("add_pj") double addPj, @JsonProperty("mult_pj") double multPj) {
    }

    public record IntegerOps(@JsonProperty("add_pj") Map<String, Double> addPj,
                          @JsonProperty("mult_pj") Map<String, Double> multPj) {
    }

    /** The 45 nm figures bundled with qsvit. */
    public static EnergyTable defaults() {
        try (InputStream in = EnergyTable.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return Document.MAPPER.readValue(in, Document.class).toTable(DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("the bundled energy table cannot be read", e);
        }
    }

    /** A user's table (JSON or YAML) in the same format as the bundled one. */
    public static EnergyTable read(Path file) {
        return ConfigFiles.read(file, Document.class).toTable(file.toString());
    }

    /** One accumulate (spike-driven: the weight is added when its input spikes). */
    public double accumulatePj(Scheme scheme) {
        return scheme instanceof Scheme.Float32 ? float32.addPj : interpolate(integer.addPj, scheme.bits());
    }

    /** One multiply-accumulate (a layer whose input is not spikes, such as the encoder). */
    public double multiplyAccumulatePj(Scheme scheme) {
        return scheme instanceof Scheme.Float32 ? float32.addPj + float32.multPj
                : interpolate(integer.multPj, scheme.bits()) + interpolate(integer.addPj, scheme.bits());
    }

    private static double interpolate(Map<String, Double> byBits, int bits) {
        TreeMap<Integer, Double> points = new TreeMap<>();
        byBits.forEach((b, pj) -> points.put(Integer.parseInt(b), pj));
        if (points.containsKey(bits)) {
            return points.get(bits);
        }
        // the two nearest points, on one side when bits lies outside the table
        Integer low = points.floorKey(bits);
        Integer high = points.ceilingKey(bits);
        if (low == null) {
            low = high;
            high = points.higherKey(high);
        } else if (high == null) {
            high = low;
            low = points.lowerKey(low);
        }
        double exponent = Math.log(points.get(high) / points.get(low)) / Math.log((double) high / low);
        return points.get(low) * Math.pow((double) bits / low, exponent);
    }

    /** The file format, validated before it becomes a table. */
    static final class Document {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        public String schema;
        public String source;
        public FloatOps float32;
        public IntegerOps integer;

        EnergyTable toTable(String where) {
            if (!SCHEMA.equals(schema)) {
                throw new UserInputException(where + ": schema must be " + SCHEMA + ", not " + schema);
            }
            if (float32 == null || integer == null || integer.addPj == null || integer.multPj == null) {
                throw new UserInputException(where + ": needs float32 {add_pj, mult_pj} and integer {add_pj, mult_pj}");
            }
            if (!(float32.addPj > 0 && float32.multPj > 0)) {
                throw new UserInputException(where + ": float32 add_pj and mult_pj must be positive");
            }
            checkPoints(where, "add_pj", integer.addPj);
            checkPoints(where, "mult_pj", integer.multPj);
            return new EnergyTable(source == null ? where : source, float32, integer);
        }

        private static void checkPoints(String where, String name, Map<String, Double> points) {
            if (points.size() < 2) {
                throw new UserInputException(where + ": integer " + name + " needs at least two bit widths");
            }
            points.forEach((bits, pj) -> {
                int b;
                try {
                    b = Integer.parseInt(bits);
                } catch (NumberFormatException e) {
                    throw new UserInputException(where + ": integer " + name + " key '" + bits + "' is not a bit width");
                }
                if (b < 1 || b > 64 || pj == null || !(pj > 0)) {
                    throw new UserInputException(where + ": integer " + name + " at " + bits
                            + " bits must be a positive energy for 1..64 bits");
                }
            });
        }
    }
}
