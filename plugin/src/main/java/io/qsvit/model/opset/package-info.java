/**
 * Raising a model's default-domain ("" / ai.onnx) op-set: a version converter of qsvit's own, so models from
 * older exporters (op-set 7 to 20) can carry artifacts that need newer operators (per-channel
 * DequantizeLinear: op-set 13; 4-bit and 16-bit codes: op-set 21).
 *
 * <p>{@link io.qsvit.model.opset.OpsetConverter#upgrade} is the one entry point. It walks the model one op-set
 * at a time; at each step every node whose operator changed its inputs, attributes or meaning at that op-set
 * is rewritten by the adapter of its operator family (one class each: {@code ReduceAxes}, {@code Softmaxes},
 * {@code Resizes}, ...), nodes of other domains (ai.onnx.ml, com.microsoft, custom) are left as they are,
 * and If/Loop/Scan bodies and model-local functions are converted alike. A node no adapter can carry is
 * refused with one line naming the operator, its op-set and why. The package sits under {@code model} and
 * depends only on the ONNX protobuf classes.
 */
package io.qsvit.model.opset;
