package io.qsvit.tribuo;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.qsvit.artifact.Digests;
import io.qsvit.eval.PixelFeatures;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.data.LibsvmDataset;
import io.qsvit.eval.data.SampleBatches;
import io.qsvit.eval.image.Preprocessing;
import org.tribuo.ConfigurableDataSource;
import org.tribuo.Example;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.ConfiguredDataSourceProvenance;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * Labelled images in any format qsvit reads (IDX, NPY, libsvm, image folders) as a Tribuo data source, so
 * they fill a {@code MutableDataset} and feed Tribuo's evaluators. Each image is one example: a {@link Label}
 * named as qsvit names the class (the image folder's class name, else the class id), and one feature per
 * pixel, named by {@link PixelFeatures}, with the value qsvit feeds its models ([0, 1] for 8-bit images).
 * Every pixel is a feature, zeros included, so even a black image is a valid Tribuo example. Image folders go
 * through the same {@link Preprocessing} as qsvit's steps (preset and explicit values, e.g. {@code imagenet}),
 * decoded on worker threads. Configurable through OLCUT like Tribuo's own sources; its provenance records the
 * path, format, split, image shape, preprocessing, content digest and number of examples.
 */
public final class ImageDataSource implements ConfigurableDataSource<Label> {
    private static final LabelFactory LABELS = new LabelFactory();

    @Config(mandatory = true, description = "File or folder of labelled images.")
    private Path path;

    /** Text, as on the command line: OLCUT restores enums by constant name, DataFormat prints lower case. */
    @Config(description = "Data format: auto, idx, npy, libsvm or images; auto detects it and records the format found.")
    private String format = DataFormat.AUTO.toString();

    @Config(description = "IDX split name.")
    private String split = IdxDataset.TEST_SPLIT;

    @Config(description = "Image channels; 0 where the data gives the shape (libsvm and image folders need it).")
    private int channels;

    @Config(description = "Image height; 0 where the data gives the shape.")
    private int height;

    @Config(description = "Image width; 0 where the data gives the shape.")
    private int width;

    @Config(description = "Index base of libsvm feature indices.")
    private LibsvmDataset.IndexBase indexBase = LibsvmDataset.IndexBase.AUTO;

    @Config(description = "Image preprocessing preset: none (images at the model's size, [0, 1]) or imagenet "
            + "(resize 256, center crop 224, ImageNet mean and std).")
    private String preset = "none";

    @Config(description = "Shorter side after resizing, overriding the preset's; 0 for no resize, -1 keeps the preset's.")
    private int resize = -1;

    @Config(description = "Side of the square center crop, overriding the preset's; 0 for no crop, -1 keeps the preset's.")
    private int crop = -1;

    @Config(description = "Channel order rgb or bgr, overriding the preset's.")
    private String channelOrder = "";

    @Config(description = "What pixels (0..255) are divided by before mean and std; 0 keeps the preset's (255).")
    private double divideBy;

    @Config(description = "Per-channel mean, comma-separated, overriding the preset's.")
    private String mean = "";

    @Config(description = "Per-channel standard deviation, comma-separated, overriding the preset's.")
    private String std = "";

    @Config(description = "Layout chw (channels-first) or hwc (channels-last), overriding the preset's.")
    private String layout = "";

    @Config(description = "EXIF orientation: ignore (torchvision's default) or apply.")
    private String exif = "";

    private List<Example<Label>> examples;
    private ImageDataSourceProvenance provenance;

    /** For OLCUT, which sets the fields and calls {@link #postConfig}. */
    private ImageDataSource() {
    }

    /** The images at {@code path}, read as {@code spec} says (see {@link Datasets#open}). */
    public ImageDataSource(Path path, DatasetSpec spec) {
        this.path = path;
        this.format = spec.format().toString();
        this.split = spec.split();
        this.indexBase = spec.indexBase();
        Preprocessing p = spec.preprocessing();
        this.preset = p.preset();
        this.resize = p.resize() == null ? 0 : p.resize();
        this.crop = p.crop() == null ? 0 : p.crop();
        this.channelOrder = p.channelOrder().toString().toLowerCase(java.util.Locale.ROOT);
        this.divideBy = p.divideBy();
        this.mean = join(p.mean());
        this.std = join(p.std());
        this.layout = p.layout().toString().toLowerCase(java.util.Locale.ROOT);
        this.exif = p.exif().toString().toLowerCase(java.util.Locale.ROOT);
        if (spec.shape() != null) {
            ImageShape image = spec.shape().image();
            this.channels = image.channels();
            this.height = image.height();
            this.width = image.width();
        }
        postConfig();
    }

    /** An IDX image/label pair such as Fashion-MNIST's ({@code t10k} is the test split). */
    public static ImageDataSource idx(Path folder, String split) {
        return new ImageDataSource(folder, DatasetSpec.detect().withFormat(DataFormat.IDX).withSplit(split));
    }

    @Override
    public void postConfig() {
        DataFormat parsed = DataFormat.parse(format);
        if (parsed == DataFormat.AUTO) {
            parsed = Datasets.detect(path);
            format = parsed.toString();
        }
        Preprocessing preprocessing = Preprocessing.of(preset, resize < 0 ? null : resize, crop < 0 ? null : crop,
                channelOrder, divideBy == 0 ? null : divideBy, mean, std, layout, exif);
        Dataset data = Datasets.open(path, new DatasetSpec(parsed, split, shape(), indexBase, preprocessing));
        String[] names = PixelFeatures.names(data.shape().size());
        Example<Label>[] loaded = newExamples(data.size());
        SampleBatches.forEach(data, SampleBatches.defaultWorkers(), (i, pixels) -> {
            double[] values = new double[pixels.length];
            for (int p = 0; p < pixels.length; p++) {
                values[p] = pixels[p];
            }
            loaded[i] = new ArrayExample<>(new Label(data.className(data.label(i))), names, values);
        });
        examples = List.of(loaded);
        ImageShape found = data.shape().image();
        channels = found.channels();
        height = found.height();
        width = found.width();
        provenance = new ImageDataSourceProvenance(this, Digests.ofContent(path), examples.size());
    }

    private io.qsvit.eval.data.SampleShape shape() {
        if (channels == 0 && height == 0 && width == 0) {
            return null;
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new PropertyException("", "channels, height and width are given together or not at all; found "
                    + channels + "x" + height + "x" + width);
        }
        return new ImageShape(channels, height, width).sample();
    }

    @SuppressWarnings("unchecked")
    private static Example<Label>[] newExamples(int n) {
        return (Example<Label>[]) new Example[n];
    }

    private static String join(List<Double> values) {
        StringBuilder s = new StringBuilder();
        for (Double v : values) {
            s.append(s.isEmpty() ? "" : ",").append(v);
        }
        return s.toString();
    }

    /** Number of examples (images). */
    public int size() {
        return examples.size();
    }

    /** The shape of every image: [channels, height, width]. */
    public ImageShape imageShape() {
        return new ImageShape(channels, height, width);
    }

    @Override
    public OutputFactory<Label> getOutputFactory() {
        return LABELS;
    }

    @Override
    public ConfiguredDataSourceProvenance getProvenance() {
        return provenance;
    }

    @Override
    public Iterator<Example<Label>> iterator() {
        return examples.iterator();
    }

    @Override
    public String toString() {
        return "ImageDataSource(path=" + path + ",format=" + format + ",split=" + split + ",images=" + size() + ")";
    }
}
