package io.qsvit.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Tribuo feature names of an image's pixels, one convention for every Tribuo example and model qsvit
 * makes. Pixel {@code i} of the flattened [channels, height, width] image is named by {@code i} zero-padded to
 * the digits of the pixel count ("000" to "783" for 1x28x28), the names Tribuo's own IDXDataSource gives.
 * Tribuo's ImageTransformer writes the feature with id {@code i} to tensor position {@code i}; with the
 * {@link #mapping} handed to ONNXExternalModel, name {@code i} gets that id, and zero padding makes name order
 * pixel order.
 */
public final class PixelFeatures {
    private PixelFeatures() {
    }

    /** Names of the {@code pixels} features, in pixel order. */
    public static String[] names(int pixels) {
        String format = "%0" + Integer.toString(pixels).length() + "d";
        String[] names = new String[pixels];
        for (int i = 0; i < pixels; i++) {
            names[i] = String.format(format, i);
        }
        return names;
    }

    /** Feature name -> tensor position, the featureMapping ONNXExternalModel.createOnnxModel takes. */
    public static Map<String, Integer> mapping(int pixels) {
        String[] names = names(pixels);
        Map<String, Integer> mapping = new LinkedHashMap<>();
        for (int i = 0; i < pixels; i++) {
            mapping.put(names[i], i);
        }
        return mapping;
    }
}
