/**
 * Event-camera recordings: streams of (x, y, t, polarity) events as the datasets of SpikeHQ's setting ship them,
 * and their integration into frames a model with a time axis takes.
 *
 * <p>One reader per file format: {@link io.qsvit.eval.events.NmnistBinary} (N-MNIST and N-Caltech101, 40-bit
 * events), {@link io.qsvit.eval.events.Aedat2} (CIFAR10-DVS), {@link io.qsvit.eval.events.Aedat31} (DVS Gesture)
 * with {@link io.qsvit.eval.events.GestureLabels} (its per-recording label windows); both AEDAT readers share
 * {@link io.qsvit.eval.events.AedatHeader}. Tonic's NumPy structured arrays are read in {@code eval.data}, where
 * the .npy container format is parsed. Every reader gives an {@link io.qsvit.eval.events.EventStream}, checked
 * on the way in (whole events, timestamps that never go backwards), and
 * {@link io.qsvit.eval.events.FrameIntegration} turns a stream into T two-channel count frames with SpikingJelly's
 * semantics. This package knows no datasets and no models: {@code eval.data} lists recordings and labels, the
 * evaluator feeds the frames.
 */
package io.qsvit.eval.events;
