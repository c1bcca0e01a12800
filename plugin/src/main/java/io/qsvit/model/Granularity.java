package io.qsvit.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.Locale;

/**
 * How coarsely layers are grouped: a group is the first 1 (stage), 2 (block), 3 (module) or all (layer)
 * segments of the module path. {@code block} is QSViT's own unit: each downsampling layer and each block
 * ({@code stage1.downsample}, {@code stage3.block1}, {@code head}).
 */
public enum Granularity {
    STAGE(1), BLOCK(2), MODULE(3), LAYER(Integer.MAX_VALUE);

    private final int segments;

    Granularity(int segments) {
        this.segments = segments;
    }

    String groupOf(String path) {
        String[] parts = path.split("\\.");
        return String.join(".", Arrays.copyOf(parts, Math.min(parts.length, segments)));
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Granularity parse(String id) {
        return Arrays.stream(values()).filter(g -> g.id().equals(id)).findFirst()
                .orElseThrow(() -> new UserInputException("unknown granularity '" + id
                        + "'; one of stage, block, module, layer"));
    }
}
