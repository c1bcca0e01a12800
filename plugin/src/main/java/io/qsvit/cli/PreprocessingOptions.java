package io.qsvit.cli;

import io.qsvit.eval.image.Preprocessing;
import picocli.CommandLine.Option;

/**
 * How image files become model input (a picocli mixin): a preset and explicit values over it. The evaluating
 * steps take it with their data; apply takes it for the DJL Serving folders it writes.
 */
final class PreprocessingOptions {
    @Option(names = "--preset", defaultValue = "none", description = "Image preprocessing: none (images at the "
            + "model's size, [0, 1]) or imagenet (resize 256, center crop 224, ImageNet mean and std); the options "
            + "below override its values (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--resize", description = "Resize images so the shorter side is N pixels (PIL bilinear with "
            + "antialiasing, as torchvision); 0 for no resize.")
    Integer resize;

    @Option(names = "--crop", description = "Center crop of N x N pixels after resizing; 0 for no crop.")
    Integer crop;

    @Option(names = "--mean", description = "Per-channel mean subtracted after scaling, comma-separated (or one value).")
    String mean;

    @Option(names = "--std", description = "Per-channel standard deviation divided by, comma-separated (or one value).")
    String std;

    @Option(names = "--channel-order", description = "rgb or bgr.")
    String channelOrder;

    @Option(names = "--divide-by", description = "What pixels (0..255) are divided by before mean and std: 255 "
            + "gives [0, 1], 1 keeps 0..255.")
    Double divideBy;

    @Option(names = "--layout", description = "chw (channels-first) or hwc (channels-last model input).")
    String layout;

    @Option(names = "--exif", description = "EXIF orientation: ignore (as torchvision's image loader) or apply.")
    String exif;

    Preprocessing preprocessing() {
        return Preprocessing.of(preset, resize, crop, channelOrder, divideBy, mean, std, layout, exif);
    }
}
