package io.qsvit.api;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;
import io.qsvit.eval.events.EventFiles;
import io.qsvit.eval.events.EventFiles.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventDataSourceTest {
    @TempDir
    Path dir;

    /** Two recordings on a 4x2 sensor: class "a" one ON event at (3, 1), class "b" OFF at (0, 0) and ON at (1, 0). */
    private Path folder() throws IOException {
        Path root = dir.resolve("events");
        EventFiles.write(root.resolve("a/1.bin"), EventFiles.nmnist(new Events(new int[] {3}, new int[] {1},
                new long[] {10}, new int[] {1})));
        EventFiles.write(root.resolve("b/2.bin"), EventFiles.nmnist(new Events(new int[] {0, 1}, new int[] {0, 0},
                new long[] {10, 20}, new int[] {0, 1})));
        return root;
    }

    private static List<Double> values(Example<Label> example, int size) {
        double[] dense = new double[size];
        for (Feature f : example) {
            dense[Integer.parseInt(f.getName().replaceAll("\\D", ""))] = f.getValue();
        }
        List<Double> out = new ArrayList<>();
        for (double v : dense) {
            out.add(v);
        }
        return out;
    }

    @Test
    void recordingsBecomeExamplesOfFrameCountsAndProvenanceSurvivesSerialization() throws IOException {
        Path root = folder();
        // one frame, the 4x2 sensor down-sampled to 2x1: x 3 -> 1, x 0 and 1 -> 0
        EventDataSource source = new EventDataSource(root, "test", 1, 1, 2, "number", "4x2");
        MutableDataset<Label> dataset = new MutableDataset<>(source);
        assertEquals(2, dataset.size());
        assertEquals("a", dataset.getExample(0).getOutput().getLabel());
        assertEquals(List.of(0.0, 0.0, 0.0, 1.0), values(dataset.getExample(0), 4));   // [OFF x0, OFF x1, ON x0, ON x1]
        assertEquals(List.of(1.0, 0.0, 1.0, 0.0), values(dataset.getExample(1), 4));

        Dataset<?> reloaded = Dataset.deserialize(dataset.serialize());
        ImageDataSourceProvenance original = (ImageDataSourceProvenance) source.getProvenance();
        ImageDataSourceProvenance read = (ImageDataSourceProvenance) reloaded.getProvenance().getSourceProvenance();
        assertEquals(original.getConfiguredParameters(), read.getConfiguredParameters());
        assertEquals(original.getInstanceValues(), read.getInstanceValues());
        Map<String, Provenance> configured = read.getConfiguredParameters();
        assertEquals("4x2", ((StringProvenance) configured.get("sensor")).getValue());
        assertEquals(1, ((IntProvenance) configured.get("frames")).getValue());
        assertEquals(Digests.ofContent(root), read.contentSha256());
        assertEquals(2, read.examples());
    }

    @Test
    void configurableThroughOlcut() throws IOException {
        Path config = Files.writeString(dir.resolve("data.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="events" type="io.qsvit.api.EventDataSource">
                    <property name="path" value="%s"/>
                    <property name="frames" value="2"/>
                    <property name="height" value="2"/>
                    <property name="width" value="4"/>
                    <property name="framesBy" value="time"/>
                  </component>
                </config>
                """.formatted(folder()));
        EventDataSource source = (EventDataSource) new ConfigurationManager(config.toString()).lookup("events");
        assertEquals(2, source.size());
        assertEquals(List.of(2, 2, 4), List.of(source.frames(), source.height(), source.width()));
    }

    @Test
    void badRecordingsAreRefusedWithTheReadersMessage() throws IOException {
        Path root = folder();
        Path cut = root.resolve("b/2.bin");
        Files.write(cut, new byte[] {1, 2, 3});
        assertEquals(cut + " is cut mid-event: 3 bytes is not a whole number of 5-byte N-MNIST events (3 bytes left"
                + " over)", assertThrows(UserInputException.class, () -> new EventDataSource(root, "test",
                1, 2, 4, "number", "")).getMessage());
    }
}
