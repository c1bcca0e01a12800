package io.qsvit.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a group of layers does; QSViT's findings are stated per kind (attention needs high precision,
 * downsampling tolerates low). Layers get theirs from the graph's structure first ({@link LayerKinds}), names
 * second. Declared in precedence order: a group is the first kind any of its layers has.
 */
public enum GroupKind {
    HEAD, DOWNSAMPLE, ATTENTION, MLP, CONV_BLOCK, OTHER,
    /** Membrane potentials of a group's spiking neurons ({@link ComputedKind#MEMBRANE}); never a weight layer's kind. */
    NEURON,
    /** Products of computed tensors in a group's attention ({@link ComputedKind#ATTENTION_PRODUCT}); never a layer's. */
    ATTENTION_PRODUCT;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static GroupKind parse(String id) {
        return Arrays.stream(values()).filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> new UserInputException("unknown group kind '" + id + "'; one of "
                        + Arrays.stream(values()).map(GroupKind::id).toList()));
    }

    /** The kind a module path's names suggest (head, classifier; downsample, patch, stem; attn; mlp, ffn), or null. */
    static GroupKind fromName(String path) {
        String[] segments = path.toLowerCase(Locale.ROOT).split("\\.");
        if (any(segments, "head", "classifier", "logits")) {
            return HEAD;
        }
        if (any(segments, "downsample", "patch", "stem", "embed", "tokenizer")) {
            return DOWNSAMPLE;
        }
        if (any(segments, "attn", "attention")) {
            return ATTENTION;
        }
        if (any(segments, "mlp", "ffn", "feed_forward")) {
            return MLP;
        }
        return null;
    }

    private static boolean any(String[] segments, String... words) {
        for (String s : segments) {
            for (String w : words) {
                if (s.contains(w)) {
                    return true;
                }
            }
        }
        return false;
    }
}
