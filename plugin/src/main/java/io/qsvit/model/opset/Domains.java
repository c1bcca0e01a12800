package io.qsvit.model.opset;

/** The default operator domain has two spellings. */
final class Domains {
    private Domains() {
    }

    static boolean isDefault(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }
}
