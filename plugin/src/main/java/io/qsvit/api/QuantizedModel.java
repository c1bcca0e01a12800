package io.qsvit.api;

/** The two forms of one model under one setting, as ONNX bytes, with the memory the setting implies. */
public final class QuantizedModel {
    private final Setting setting;
    private final byte[] real;
    private final byte[] simulated;
    private final double effectiveBits;
    private final long storageBytes;

    QuantizedModel(Setting setting, byte[] real, byte[] simulated, double effectiveBits, long storageBytes) {
        this.setting = setting;
        this.real = real;
        this.simulated = simulated;
        this.effectiveBits = effectiveBits;
        this.storageBytes = storageBytes;
    }

    /**
     * The setting applied (also recorded in each model's {@code qsvit.setting} metadata).
     *
     * @return the setting
     */
    public Setting setting() {
        return setting;
    }

    /**
     * One form's ONNX bytes.
     *
     * @param form real or simulated
     * @return a copy of the serialized model
     */
    public byte[] bytes(Form form) {
        return (form == Form.REAL ? real : simulated).clone();
    }

    /**
     * Mean bits per weight (SpikeHQ's figure).
     *
     * @return effective bits
     */
    public double effectiveBits() {
        return effectiveBits;
    }

    /**
     * Bytes of the weights as the real model stores them, scales and zero points included.
     *
     * @return stored bytes
     */
    public long storageBytes() {
        return storageBytes;
    }
}
