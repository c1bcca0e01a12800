package io.qsvit.eval.data;

import java.util.List;

/** Some samples of another dataset, by index: a view that reads through to it. */
final class Selection implements Dataset {
    private final Dataset base;
    private final int[] indices;

    Selection(Dataset base, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) {
                throw new IndexOutOfBoundsException("sample " + i + " of " + base.size());
            }
        }
        // a selection of a selection points at the base directly, so reads never chain
        if (base instanceof Selection outer) {
            int[] direct = new int[indices.length];
            for (int i = 0; i < indices.length; i++) {
                direct[i] = outer.indices[indices[i]];
            }
            this.base = outer.base;
            this.indices = direct;
        } else {
            this.base = base;
            this.indices = indices.clone();
        }
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int label(int index) {
        return base.label(indices[index]);
    }

    @Override
    public SampleShape shape() {
        return base.shape();
    }

    @Override
    public void read(int index, float[] sample) {
        base.read(indices[index], sample);
    }

    @Override
    public String source() {
        return base.source();
    }

    @Override
    public List<String> classNames() {
        return base.classNames();
    }
}
