package io.qsvit.model.prepare;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.UserInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What preparing a model did: the BatchNormalization nodes folded (and into which layer), those kept with the
 * reason, the float16 weights given a float32 copy, and the check that the prepared model computes what the
 * original does. Written into the prepared model's {@code metadata_props} ({@value Preparation#METADATA_KEY}),
 * so every artifact made from it carries it, and into the steps' metadata.
 *
 * @param version     {@link Preparation#VERSION}
 * @param folded      BatchNormalization nodes folded into the weight layer before them
 * @param kept        BatchNormalization nodes left in the graph, each with the reason
 * @param float16     float16 weights now stored as float32 behind a Cast to float16 (exact)
 * @param laidOut     weights now stored as their layer reads them (a Transpose, Identity or Reshape folded in)
 * @param check       outputs of the prepared model against the original's; null when the graph computes the
 *                    same by construction (nothing folded)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PreparationRecord(@JsonProperty("version") int version,
                                @JsonProperty("batchnorm_folded") List<Fold> folded,
                                @JsonProperty("batchnorm_kept") List<Kept> kept,
                                @JsonProperty("float16_weights") int float16,
                                @JsonProperty("weights_laid_out") int laidOut,
                                @JsonProperty("check") Check check) {
    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonCreator
    public PreparationRecord {
        folded = folded == null ? List.of() : List.copyOf(folded);
        kept = kept == null ? List.of() : List.copyOf(kept);
    }

    /**
     * One BatchNormalization folded into a layer.
     *
     * @param batchNorm  the BN node (its name, or op and output when unnamed)
     * @param into       the layer's node
     * @param op         the layer's operator
     * @param biasAdded  the layer had no bias and got one
     * @param weightCopied the weight was shared with other layers and copied for this one
     * @param type       element type of the values it normalised (float, float16, ...): the precision the
     *                   folded model's outputs can be compared at
     */
    public record Fold(@JsonProperty("batchnorm") String batchNorm, @JsonProperty("into") String into,
                       @JsonProperty("op") String op, @JsonProperty("bias_added") boolean biasAdded,
                       @JsonProperty("weight_copied") boolean weightCopied, @JsonProperty("type") String type) {
        /** True when the normalised values were float16 or bfloat16. */
        public boolean halfPrecision() {
            return "float16".equals(type) || "bfloat16".equals(type);
        }
    }

    /** A BatchNormalization left in the graph, and why. */
    public record Kept(@JsonProperty("batchnorm") String batchNorm, @JsonProperty("reason") String reason) {
    }

    /**
     * The prepared model's outputs against the original's on the same inputs.
     *
     * @param inputs        what was fed (count, distribution, seed)
     * @param probes        how many inputs
     * @param within        how many of them gave outputs within the tolerance
     * @param maxAbsolute   largest absolute difference over all float outputs
     * @param maxRelative   {@code maxAbsolute} / the largest absolute original output
     * @param tolerance     the largest relative difference accepted for one input
     * @param skipped       why the check could not run (then the numbers are 0), or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(@JsonProperty("inputs") String inputs, @JsonProperty("probes") int probes,
                        @JsonProperty("within_tolerance") int within,
                        @JsonProperty("max_abs_difference") double maxAbsolute,
                        @JsonProperty("max_relative_difference") double maxRelative,
                        @JsonProperty("tolerance") double tolerance, @JsonProperty("skipped") String skipped) {
        /** Every input but at most one within the tolerance (see PreparedModels: a spike may flip). */
        public boolean passed() {
            return skipped != null || within >= probes - 1;
        }
    }

    /** True when preparation left the graph exactly as it was. */
    public boolean unchanged() {
        return folded.isEmpty() && float16 == 0 && laidOut == 0;
    }

    PreparationRecord withCheck(Check c) {
        return new PreparationRecord(version, folded, kept, float16, laidOut, c);
    }

    /** This record after an earlier one (a model prepared before, such as an artifact): both folds listed. */
    PreparationRecord after(PreparationRecord earlier) {
        List<Fold> all = new ArrayList<>(earlier.folded);
        all.addAll(folded);
        return new PreparationRecord(version, all, kept, Math.max(float16, earlier.float16),
                Math.max(laidOut, earlier.laidOut), check != null ? check : earlier.check);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record as a map, for a step's metadata. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap() {
        return JSON.convertValue(this, Map.class);
    }

    static PreparationRecord parse(String json, String origin) {
        try {
            return JSON.readValue(json, PreparationRecord.class);
        } catch (JsonProcessingException e) {
            throw new UserInputException(origin + ": its " + Preparation.METADATA_KEY + " metadata is not a "
                    + "preparation record: " + e.getOriginalMessage());
        }
    }
}
