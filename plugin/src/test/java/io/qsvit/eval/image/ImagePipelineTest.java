package io.qsvit.eval.image;

import io.qsvit.UserInputException;
import io.qsvit.eval.data.SampleShape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImagePipelineTest {
    private static BufferedImage colour(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static float[] run(Preprocessing p, SampleShape shape, BufferedImage image) {
        float[] sample = new float[shape.size()];
        new ImagePipeline(p, shape).apply(image, "test", sample);
        return sample;
    }

    @Test
    void bgrAndChannelsLastAreTheSameValuesRearranged() {
        BufferedImage image = colour(40, 30, 1);
        Preprocessing base = Preprocessing.IMAGENET.withResize(20).withCrop(16);
        float[] chw = run(base, SampleShape.of(3, 16, 16), image);
        float[] hwc = run(base.withLayout(Preprocessing.Layout.HWC), SampleShape.of(16, 16, 3), image);
        Preprocessing bgrOrder = base.withChannelOrder(Preprocessing.ChannelOrder.BGR)
                .withMean(List.of(0.406, 0.456, 0.485)).withStd(List.of(0.225, 0.224, 0.229));
        float[] bgr = run(bgrOrder, SampleShape.of(3, 16, 16), image);
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 256; p++) {
                assertEquals(chw[c * 256 + p], hwc[p * 3 + c]);
                assertEquals(chw[c * 256 + p], bgr[(2 - c) * 256 + p]);
            }
        }
    }

    @Test
    void divideByAndMeanStdFollowTorchvisionsFloatOrder() {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR);
        image.setRGB(0, 0, 200 << 16 | 100 << 8 | 7);
        Preprocessing raw = Preprocessing.NONE.withDivideBy(1).withMean(List.of(103.94, 116.78, 123.68));
        assertArrayEquals(new float[] {200 - 103.94f, 100 - 116.78f, 7 - 123.68f}, run(raw, SampleShape.of(3, 1, 1), image));
        float[] imagenet = run(Preprocessing.NONE.withMean(Preprocessing.IMAGENET.mean()).withStd(Preprocessing.IMAGENET.std()),
                SampleShape.of(3, 1, 1), image);
        assertEquals((200 / 255f - 0.485f) / 0.229f, imagenet[0]);
    }

    /** Resizing only the crop window gives the pixels of resizing everything and cropping. */
    @Property(tries = 60)
    void theCropWindowEqualsResizeThenCrop(@ForAll @IntRange(min = 1, max = 90) int width,
                                           @ForAll @IntRange(min = 1, max = 90) int height,
                                           @ForAll @IntRange(min = 1, max = 40) int size,
                                           @ForAll @IntRange(min = 0, max = 1000) int seed) {
        byte[] data = new byte[width * height * 3];
        new Random(seed).nextBytes(data);
        Raster8 in = new Raster8(width, height, 3, data);
        int[] resized = ImagePipeline.resizedSize(width, height, size);
        Raster8 all = Resampler.resize(in, resized[0], resized[1]);
        int crop = Math.min(resized[0], resized[1]);
        int top = ImagePipeline.centerOffset(resized[1], crop);
        int left = ImagePipeline.centerOffset(resized[0], crop);
        Raster8 window = Resampler.resize(in, resized[0], resized[1], left, top, crop, crop);
        for (int y = 0; y < crop; y++) {
            for (int x = 0; x < crop; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(all.sample(left + x, top + y, c), window.sample(x, y, c));
                }
            }
        }
    }

    @Test
    void torchvisionsSizeAndOffsetRules() {
        assertArrayEquals(new int[] {341, 256}, ImagePipeline.resizedSize(500, 375, 256)); // int(256 * 500 / 375)
        assertArrayEquals(new int[] {256, 384}, ImagePipeline.resizedSize(400, 600, 256));
        assertArrayEquals(new int[] {256, 300}, ImagePipeline.resizedSize(256, 300, 256)); // unchanged
        assertEquals(58, ImagePipeline.centerOffset(341, 224)); // round(58.5) = 58, half to even
        assertEquals(16, ImagePipeline.centerOffset(256, 224));
        assertEquals(60, ImagePipeline.centerOffset(345, 224)); // round(60.5) = 60
    }

    @Test
    void presetsOptionsAndTheirErrors() {
        Preprocessing p = Preprocessing.of("imagenet", 0, null, "bgr", 1.0, "1,2,3", "4", "hwc", "apply");
        assertEquals(null, p.resize());
        assertEquals(224, p.crop());
        assertEquals(List.of(1.0, 2.0, 3.0), p.mean());
        assertEquals(Map.of("preset", "imagenet", "resize", "", "crop", 224, "channel_order", "bgr", "divide_by", 1.0,
                "mean", List.of(1.0, 2.0, 3.0), "std", List.of(4.0), "layout", "hwc", "exif", "apply").keySet(),
                p.parameters().keySet());
        assertEquals("unknown preprocessing preset 'imagenette' (none, imagenet)",
                assertThrows(UserInputException.class, () -> Preprocessing.preset("imagenette")).getMessage());
        assertEquals("unknown layout 'nchw' (chw or hwc)", assertThrows(UserInputException.class,
                () -> Preprocessing.of("none", null, null, null, null, null, null, "nchw", null)).getMessage());
        assertEquals("std values must be positive numbers, found [0.5, 0.0]", assertThrows(UserInputException.class,
                () -> Preprocessing.of("none", null, null, null, null, null, "0.5,0", null, null)).getMessage());
        assertEquals("mean and std need 1 or 3 values for a 3-channel model; found 2 and 1", assertThrows(
                UserInputException.class, () -> new ImagePipeline(Preprocessing.NONE.withMean(List.of(0.1, 0.2)),
                        SampleShape.of(3, 4, 4))).getMessage());
        assertEquals("the center crop is 224x224 but the model takes 28x28 images", assertThrows(UserInputException.class,
                () -> new ImagePipeline(Preprocessing.IMAGENET, SampleShape.of(1, 28, 28))).getMessage());
    }
}
