/**
 * qsvit's public API: mixed-precision post-training quantization of spiking vision transformers (QSViT,
 * SpikeHQ) as pipeline steps. A program imports this package and nothing else of qsvit; every other package is
 * internal and may change.
 * <ul>
 *   <li>Vocabulary: {@link io.qsvit.api.Scheme} (how one group's weights are stored),
 *       {@link io.qsvit.api.Grouping} (which layers form a group), {@link io.qsvit.api.Setting} (group -> scheme),
 *       {@link io.qsvit.api.Data} (which labelled images), {@link io.qsvit.api.Requirement} (the accuracy to keep).</li>
 *   <li>The steps, each a request built DJL-style (required values {@code set...}, optional ones {@code opt...},
 *       checked in {@code build()} with one clear message) run by {@link io.qsvit.api.Steps}, which publishes the
 *       step's output folder through the cache and returns its result: {@code sensitivity} (QSViT Alg. 1),
 *       {@code bounds} (Alg. 2), {@code explore} (Alg. 3 and SpikeHQ's heterogeneous search), {@code apply}
 *       (Alg. 4), {@code evaluate}, and {@code run} for all of them.</li>
 *   <li>In memory: {@link io.qsvit.api.Quantizer} gives the ONNX bytes {@code apply} writes;
 *       {@link io.qsvit.api.Steps#inspect} lists a model's groups.</li>
 *   <li>Tribuo: {@link io.qsvit.api.ImageDataSource} reads every data format as a Tribuo data source;
 *       {@link io.qsvit.api.TribuoQuantizer}, configurable through OLCUT like Tribuo's trainers, quantizes an
 *       {@code ONNXExternalModel} and records the chain of quantizations in its provenance
 *       ({@link io.qsvit.api.QuantizationProvenance}).</li>
 * </ul>
 * DJL programs load the folders {@code apply} writes with {@code optDjlServing(true)} through DJL's
 * {@code Criteria}, as DJL Serving does: the translator ships in each folder's {@code libs/}.
 * <p>
 * Problems with inputs (a missing file, a setting naming a group the model lacks) are
 * {@link io.qsvit.api.QsvitException}s; malformed builder values are {@link IllegalArgumentException}s.
 */
package io.qsvit.api;
