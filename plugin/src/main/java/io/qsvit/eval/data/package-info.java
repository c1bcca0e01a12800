/**
 * Data intake: labelled samples in every format qsvit reads (IDX, NPY, libsvm, image folders), behind one
 * {@link io.qsvit.eval.data.Dataset} abstraction. A dataset knows its labels and sample shape up front and reads
 * sample values on demand, thread-safely; {@link io.qsvit.eval.data.SampleBatches} reads batches on worker
 * threads ahead of ONNX Runtime in bounded memory; {@link io.qsvit.eval.data.Subset} chooses the same samples
 * for every step. Image files go through {@link io.qsvit.eval.image}. Used by {@code eval} and above.
 */
package io.qsvit.eval.data;
