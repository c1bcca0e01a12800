/**
 * Model preparation: the one rewrite every model goes through after it is read and before its layers are
 * found, so that the float baseline, the sensitivity sweep, the search and both quantized artifacts work on
 * the graph a device would store. {@link io.qsvit.model.prepare.Preparation} is the entry point: it refuses
 * already-quantized models, gives float16 weights a float32 twin behind a Cast, and folds BatchNormalization
 * into the Conv, ConvTranspose, Gemm or MatMul before it; {@link io.qsvit.model.prepare.PreparationRecord}
 * says what it did and travels in the model's metadata. Sits just above {@code io.qsvit.model} (it uses the
 * graph reading and layer finding there) and below everything that evaluates or quantizes; checking that the
 * prepared model computes what the original does needs ONNX Runtime and lives in {@code io.qsvit.eval}.
 */
package io.qsvit.model.prepare;
