package io.qsvit.api;

import java.util.Locale;

/**
 * How coarsely layers are grouped when no rule places them: a group is the first 1, 2 or 3 segments of a
 * layer's module path, or the whole path. {@link #BLOCK} is QSViT's own unit: each downsampling layer and each
 * block ({@code stage1.downsample}, {@code stage3.block1}, {@code head}).
 */
public enum Granularity {
    /** The first path segment. */
    STAGE(io.qsvit.model.Granularity.STAGE),
    /** The first two path segments (QSViT's unit). */
    BLOCK(io.qsvit.model.Granularity.BLOCK),
    /** The first three path segments. */
    MODULE(io.qsvit.model.Granularity.MODULE),
    /** Every layer on its own. */
    LAYER(io.qsvit.model.Granularity.LAYER);

    private final io.qsvit.model.Granularity granularity;

    Granularity(io.qsvit.model.Granularity granularity) {
        this.granularity = granularity;
    }

    io.qsvit.model.Granularity internal() {
        return granularity;
    }

    static Granularity of(io.qsvit.model.Granularity granularity) {
        return valueOf(granularity.name());
    }

    /**
     * The name settings files use.
     *
     * @return {@code stage}, {@code block}, {@code module} or {@code layer}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
