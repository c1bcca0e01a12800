package io.qsvit.quant;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SchemeTest {
    private static final String FORMS =
            "float32, uniform<bits>[-asym][-tensor] (2..16 bits), pow2-<bits>[-tensor] (2..8 bits) or fixed<bits>[:q<m>.<n>][:truncate|:nearest|:stochastic[:seed=<s>]][:saturate|:wrap] (2..32 bits)";

    static List<Scheme> allSchemes() {
        List<Scheme> all = new ArrayList<>();
        all.add(Scheme.FLOAT32);
        for (int bits = 2; bits <= 16; bits++) {
            for (boolean symmetric : new boolean[] {true, false}) {
                for (boolean perChannel : new boolean[] {true, false}) {
                    all.add(new Scheme.Uniform(bits, symmetric, perChannel));
                }
            }
        }
        for (int bits = 2; bits <= 8; bits++) {
            all.add(new Scheme.Pow2(bits, true));
            all.add(new Scheme.Pow2(bits, false));
        }
        return all;
    }

    @Test
    void everySchemeRoundTripsThroughItsId() {
        List<Scheme> all = allSchemes();
        assertEquals(1 + 15 * 4 + 7 * 2, all.size());
        for (Scheme scheme : all) {
            assertEquals(scheme, Scheme.parse(scheme.id()), scheme.id());
        }
    }

    @Test
    void idsAreCompactWithSuffixesInOrder() {
        assertEquals("float32", Scheme.FLOAT32.id());
        assertEquals("uniform8", new Scheme.Uniform(8, true, true).id());
        assertEquals("uniform8-asym", new Scheme.Uniform(8, false, true).id());
        assertEquals("uniform8-tensor", new Scheme.Uniform(8, true, false).id());
        assertEquals("uniform4-asym-tensor", new Scheme.Uniform(4, false, false).id());
        assertEquals("pow2-4", new Scheme.Pow2(4, true).id());
        assertEquals("pow2-4-tensor", new Scheme.Pow2(4, false).id());
    }

    @Test
    void parseGivesSymmetricPerChannelByDefault() {
        assertEquals(new Scheme.Uniform(8, true, true), Scheme.parse("uniform8"));
        assertEquals(new Scheme.Uniform(16, false, false), Scheme.parse("uniform16-asym-tensor"));
        assertEquals(new Scheme.Pow2(2, false), Scheme.parse("pow2-2-tensor"));
        assertEquals(32, Scheme.parse("float32").bits());
        assertFalse(Scheme.FLOAT32.perChannel());
    }

    @ParameterizedTest
    @CsvSource({
        "uniform1, uniform, 2..16",
        "uniform0, uniform, 2..16",
        "uniform17-asym, uniform, 2..16",
        "uniform99999999999-tensor, uniform, 2..16",
        "pow2-1, pow2, 2..8",
        "pow2-9-tensor, pow2, 2..8",
    })
    void bitsOutOfRangeNameTheTextAndTheRange(String text, String family, String range) {
        UserInputException e = assertThrows(UserInputException.class, () -> Scheme.parse(text));
        assertEquals("bits out of range in '" + text + "': " + family + " takes " + range + " bits", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "int8", "Uniform8", "uniform", "uniform8-tensor-asym", "uniform08", "uniform8 ",
        "uniform-8", "pow2-4-asym", "pow24", "pow2", "float16", "float32-tensor", "uniform8-sym"})
    void malformedTextNamesItselfAndTheAllowedForms(String text) {
        UserInputException e = assertThrows(UserInputException.class, () -> Scheme.parse(text));
        assertEquals("unknown quantization scheme '" + text + "': expected " + FORMS, e.getMessage());
    }

    @Test
    void missingTextIsAUserError() {
        UserInputException e = assertThrows(UserInputException.class, () -> Scheme.parse(null));
        assertEquals("missing quantization scheme: expected " + FORMS, e.getMessage());
    }

    @Test
    void recordsRejectBitsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new Scheme.Uniform(17, true, true));
        assertThrows(IllegalArgumentException.class, () -> new Scheme.Pow2(1, true));
    }

    @ParameterizedTest
    @CsvSource({
        "float32, 1, 32",
        "uniform2, 22, 4", "uniform4, 22, 4", "uniform5, 3, 8", "uniform8, 3, 8", "uniform9, 5, 16",
        "uniform16, 5, 16",
        "uniform2-asym, 21, 4", "uniform4-asym-tensor, 21, 4", "uniform5-asym, 2, 8", "uniform8-asym, 2, 8",
        "uniform12-asym, 4, 16", "uniform16-asym, 4, 16",
        "pow2-2, 21, 4", "pow2-4-tensor, 21, 4", "pow2-5, 2, 8", "pow2-8, 2, 8",
    })
    void containersFollowBitsAndSignedness(String id, int onnxType, int containerBits) {
        Scheme scheme = Scheme.parse(id);
        assertEquals(onnxType, scheme.onnxDataType(), id);
        assertEquals(containerBits, scheme.containerBits(), id);
    }

    @Test
    void jacksonWritesAndReadsTheId() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Scheme> setting = new LinkedHashMap<>();
        setting.put("stage1", new Scheme.Uniform(4, false, false));
        setting.put("stage2", new Scheme.Pow2(3, true));
        setting.put("head", Scheme.FLOAT32);
        String text = json.writeValueAsString(setting);
        assertEquals("{\"stage1\":\"uniform4-asym-tensor\",\"stage2\":\"pow2-3\",\"head\":\"float32\"}", text);
        assertEquals(setting, json.readValue(text, new TypeReference<Map<String, Scheme>>() { }));
        assertEquals(new Scheme.Uniform(8, true, true), json.readValue("\"uniform8\"", Scheme.class));
    }

    @Test
    void jacksonReportsBadTextWithTheParseMessage() {
        ObjectMapper json = new ObjectMapper();
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> json.readValue("\"uniform1\"", Scheme.class));
        UserInputException cause = assertInstanceOf(UserInputException.class, e.getCause());
        assertEquals("bits out of range in 'uniform1': uniform takes 2..16 bits", cause.getMessage());
    }
}
