package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.qsvit.UserInputException;
import io.qsvit.model.Granularity;
import io.qsvit.model.GroupKind;
import io.qsvit.model.GroupRule;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TestGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsThroughJsonAndYaml() {
        Setting setting = new Setting(Grouping.of(Granularity.LAYER, List.of(GroupRule.of("enc.*", "encoder", GroupKind.MLP))),
                Scheme.parse("uniform8"), Map.of("head", Scheme.parse("pow2-4-tensor"), "encoder", Scheme.parse("uniform4-asym")));
        for (String name : List.of("s.json", "s.yaml")) {
            setting.write(dir.resolve(name));
            Setting back = Setting.read(dir.resolve(name));
            assertEquals(setting.fallback(), back.fallback());
            assertEquals(setting.groups(), back.groups());
            assertEquals(Granularity.LAYER, back.grouping().granularity());
            assertEquals("enc.*", back.grouping().rules().get(0).match().pattern());
            assertEquals(GroupKind.MLP, back.grouping().rules().get(0).kind());
        }
    }

    @Test
    void memoryOfASettingWeighsBitsByParameters() throws IOException {
        Path file = Files.write(dir.resolve("mlp.onnx"), TestGraphs.mlp().toByteArray());
        ModelLayers model = ModelLayers.of(OnnxModel.load(file), Grouping.QSVIT); // groups: encoder.fc (32), head (12)
        Setting setting = new Setting(Grouping.QSVIT, Scheme.parse("uniform8-tensor"), Map.of("head", Scheme.parse("uniform4-tensor")));
        MemoryAccount memory = setting.memory(model);
        assertEquals(44, memory.totalParams());
        assertEquals(32 * 8 + 12 * 4, memory.weightBits());
        assertEquals((32 * 8 + 12 * 4) / 44.0, memory.effectiveBits(), 1e-12);
    }

    @Test
    void unknownGroupsAndBadSchemesAreNamed() throws IOException {
        Path file = Files.write(dir.resolve("mlp.onnx"), TestGraphs.mlp().toByteArray());
        ModelLayers model = ModelLayers.of(OnnxModel.load(file), Grouping.QSVIT);
        Setting unknown = new Setting(Grouping.QSVIT, Scheme.FLOAT32, Map.of("decoder", Scheme.parse("uniform8")));
        assertEquals("setting names group 'decoder', which the model does not have (its groups: encoder.fc, head)",
                assertThrows(UserInputException.class, () -> unknown.validate(model)).getMessage());
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "default: pow2-9\n");
        assertEquals(bad + ": default: bits out of range in 'pow2-9': pow2 takes 2..8 bits",
                assertThrows(UserInputException.class, () -> Setting.read(bad)).getMessage());
        Path schema = Files.writeString(dir.resolve("schema.json"), "{\"schema\": \"qsvit.setting/v9\"}");
        assertEquals(schema + ": setting schema 'qsvit.setting/v9' is not qsvit.setting/v1",
                assertThrows(UserInputException.class, () -> Setting.read(schema)).getMessage());
        Path granularity = Files.writeString(dir.resolve("g.yaml"), "grouping: {granularity: blocks}\n");
        assertEquals(granularity + ": unknown granularity 'blocks'; one of stage, block, module, layer",
                assertThrows(UserInputException.class, () -> Setting.read(granularity)).getMessage());
    }

    @Test
    void settingRecordedInModelMetadataIsReadOrNamedWhenBroken() throws IOException {
        Path file = Files.write(dir.resolve("mlp.onnx"), TestGraphs.mlp().toByteArray());
        assertEquals(Optional.empty(), Setting.recordedIn(OnnxModel.load(file)));
        Path recorded = Files.write(dir.resolve("recorded.onnx"), withSetting("{\"default\": \"uniform8\", \"groups\": {\"head\": \"pow2-4\"}}"));
        Setting setting = Setting.recordedIn(OnnxModel.load(recorded)).orElseThrow();
        assertEquals(new Setting(Grouping.QSVIT, Scheme.parse("uniform8"), Map.of("head", Scheme.parse("pow2-4"))), setting);
        Path broken = Files.write(dir.resolve("broken.onnx"), withSetting("{\"default\": \"uniform99\"}"));
        assertEquals(broken + " metadata qsvit.setting: default: bits out of range in 'uniform99': uniform takes 2..16 bits",
                assertThrows(UserInputException.class, () -> Setting.recordedIn(OnnxModel.load(broken))).getMessage());
        Path garbled = Files.write(dir.resolve("garbled.onnx"), withSetting("{\"default\": "));
        String message = assertThrows(UserInputException.class, () -> Setting.recordedIn(OnnxModel.load(garbled))).getMessage();
        assertTrue(message.startsWith(garbled + " metadata qsvit.setting is not a setting: Unexpected end-of-input"), message);
    }

    private static byte[] withSetting(String json) {
        return TestGraphs.mlp().toBuilder().addMetadataProps(StringStringEntryProto.newBuilder()
                .setKey(QuantizedArtifacts.SETTING_KEY).setValue(json)).build().toByteArray();
    }
}
