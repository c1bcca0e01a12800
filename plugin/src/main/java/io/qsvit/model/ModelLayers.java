package io.qsvit.model;

import io.qsvit.UserInputException;

import java.util.List;

/** A model with its quantizable layers found and grouped: what every step works on. */
public record ModelLayers(OnnxModel model, List<Layer> layers, List<Group> groups) {

    public static ModelLayers of(OnnxModel model, Grouping grouping) {
        List<Layer> layers = LayerKinds.assign(model.proto().getGraph(), LayerFinder.find(model.proto().getGraph()));
        if (layers.isEmpty()) {
            throw new UserInputException(model.file() + " has no quantizable layers (no constant float weight "
                    + "feeds a Conv, ConvTranspose, Gemm or MatMul)");
        }
        return new ModelLayers(model, layers, grouping.apply(layers));
    }

    public long params() {
        return layers.stream().mapToLong(Layer::params).sum();
    }
}
