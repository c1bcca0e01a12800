package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.quant.Scheme;

import java.nio.charset.StandardCharsets;

/** Scheme ids, fixed point's colon-separated fields included: a scheme whose id reads back as itself, or one line. */
class SchemeFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        FuzzProperty.check(() -> Scheme.parse(text), scheme -> {
            FuzzProperty.require(Scheme.parse(scheme.id()).equals(scheme), "the id reads back as the scheme");
            FuzzProperty.require(scheme.bits() >= 2 && scheme.bits() <= 32, "bits within 2..32");
        });
    }

    public static void fuzzerTestOneInput(byte[] input) {
        new SchemeFuzzTest().parse(input);
    }
}
