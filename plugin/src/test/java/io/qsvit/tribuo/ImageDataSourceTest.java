package io.qsvit.tribuo;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.image.ImagePipeline;
import io.qsvit.eval.image.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageDataSourceTest {
    @TempDir
    Path dir;

    @Test
    void idxImagesBecomeTribuoExamplesWithOneFeaturePerPixel() {
        ImageDataSource source = ImageDataSource.idx(Examples.subset(), IdxDataset.TEST_SPLIT);
        MutableDataset<Label> dataset = new MutableDataset<>(source);
        assertEquals(2000, dataset.size());
        assertEquals(784, dataset.getFeatureMap().size());
        assertEquals(10, dataset.getOutputInfo().size());
        io.qsvit.eval.data.Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT);
        float[] pixels = new float[784];
        images.read(1, pixels);
        Example<Label> second = dataset.getExample(1);
        assertEquals(Integer.toString(images.label(1)), second.getOutput().getLabel());
        assertEquals(784, second.size());
        int i = 0;
        for (Feature f : second) {
            assertEquals(String.format("%03d", i), f.getName());
            assertEquals(pixels[i], f.getValue()); // the float qsvit feeds the model, widened exactly
            i++;
        }
    }

    @Test
    void provenanceRecordsPathFormatSplitDigestAndCount() {
        ImageDataSource source = new ImageDataSource(Examples.subset(), DatasetSpec.detect());
        ImageDataSourceProvenance provenance = (ImageDataSourceProvenance) source.getProvenance();
        Map<String, Provenance> configured = provenance.getConfiguredParameters();
        assertEquals(Examples.subset().toString(), configured.get("path").toString());
        assertEquals("idx", ((StringProvenance) configured.get("format")).getValue()); // as detected
        assertEquals("t10k", ((StringProvenance) configured.get("split")).getValue());
        assertEquals(28, ((IntProvenance) configured.get("height")).getValue());
        assertEquals(Digests.ofContent(Examples.subset()), provenance.contentSha256());
        assertEquals("e09917a7ecdc41351644be7a20d5b4a7fbdcf0bc36e75f2973d0678696f2ead0", provenance.contentSha256());
        assertEquals(2000, provenance.examples());
    }

    @Test
    void imageFoldersKeepClassNamesAndProvenanceSurvivesDatasetSerialization() throws IOException {
        writeGrey(dir.resolve("classes/boot/a.png"), new int[] {0, 51, 102, 153, 204, 255});
        writeGrey(dir.resolve("classes/coat/b.png"), new int[] {255, 255, 0, 0, 0, 0});
        ImageDataSource source = new ImageDataSource(dir.resolve("classes"),
                DatasetSpec.detect().withShape(new ImageShape(1, 2, 3)));
        MutableDataset<Label> dataset = new MutableDataset<>(source);
        assertEquals(List.of("boot", "coat"), labels(dataset));
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), values(dataset.getExample(0)));

        Dataset<?> reloaded = Dataset.deserialize(dataset.serialize());
        ImageDataSourceProvenance original = (ImageDataSourceProvenance) source.getProvenance();
        ImageDataSourceProvenance read = (ImageDataSourceProvenance) reloaded.getProvenance().getSourceProvenance();
        assertEquals(original.getConfiguredParameters(), read.getConfiguredParameters());
        assertEquals(original.getInstanceValues(), read.getInstanceValues());
        assertEquals(2, read.examples());
        assertEquals(Digests.ofContent(dir.resolve("classes")), read.contentSha256());
    }

    @Test
    void configurableThroughOlcutLikeTribuosOwnSources() throws IOException {
        Path config = Files.writeString(dir.resolve("data.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="test-images" type="io.qsvit.tribuo.ImageDataSource">
                    <property name="path" value="%s"/>
                    <property name="format" value="idx"/>
                    <property name="split" value="t10k"/>
                  </component>
                </config>
                """.formatted(Examples.subset()));
        ImageDataSource source = (ImageDataSource) new ConfigurationManager(config.toString()).lookup("test-images");
        assertEquals(2000, source.size());
        assertEquals(new ImageShape(1, 28, 28), source.imageShape());
    }

    @Test
    void imageFoldersTakeThePreprocessingThroughOlcutAndRecordIt() throws IOException {
        // a 300x200 colour image: shorter side resized to 32, center crop 24, ImageNet mean and std
        BufferedImage photo = new BufferedImage(300, 200, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                photo.setRGB(x, y, (x % 256) << 16 | (y % 256) << 8 | (x * y) % 256);
            }
        }
        Files.createDirectories(dir.resolve("photos/cat"));
        ImageIO.write(photo, "png", dir.resolve("photos/cat/a.png").toFile());
        Path config = Files.writeString(dir.resolve("photos.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="photos" type="io.qsvit.tribuo.ImageDataSource">
                    <property name="path" value="%s"/>
                    <property name="channels" value="3"/>
                    <property name="height" value="24"/>
                    <property name="width" value="24"/>
                    <property name="preset" value="imagenet"/>
                    <property name="resize" value="32"/>
                    <property name="crop" value="24"/>
                  </component>
                </config>
                """.formatted(dir.resolve("photos")));
        ImageDataSource source = (ImageDataSource) new ConfigurationManager(config.toString()).lookup("photos");
        Preprocessing expected = Preprocessing.IMAGENET.withResize(32).withCrop(24);
        float[] pixels = new float[3 * 24 * 24];
        new ImagePipeline(expected, SampleShape.of(3, 24, 24)).apply(dir.resolve("photos/cat/a.png"), pixels);
        List<Double> values = new ArrayList<>();
        source.iterator().next().forEach(f -> values.add(f.getValue()));
        for (int i = 0; i < pixels.length; i++) {
            assertEquals(pixels[i], values.get(i).floatValue(), "value " + i);
        }
        Map<String, Provenance> configured = source.getProvenance().getConfiguredParameters();
        assertEquals("imagenet", ((StringProvenance) configured.get("preset")).getValue());
        assertEquals(32, ((IntProvenance) configured.get("resize")).getValue());
    }

    @Test
    void libsvmWithoutAShapeIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("data.libsvm"), "1 1:0.5\n");
        assertEquals("libsvm data needs the sample shape (the model input's, or given)",
                assertThrows(UserInputException.class, () -> new ImageDataSource(file, DatasetSpec.detect())).getMessage());
    }

    private static void writeGrey(Path file, int[] samples) throws IOException {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSamples(0, 0, 3, 2, 0, samples);
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static List<String> labels(Dataset<Label> dataset) {
        List<String> labels = new ArrayList<>();
        dataset.forEach(e -> labels.add(e.getOutput().getLabel()));
        return labels;
    }

    private static List<Double> values(Example<Label> example) {
        List<Double> values = new ArrayList<>();
        example.forEach(f -> values.add((double) Math.round(f.getValue() * 1e6) / 1e6));
        return values;
    }
}
