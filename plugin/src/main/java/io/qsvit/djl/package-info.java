/**
 * DJL's side of qsvit's image classifiers: the translators that turn an image into the input of a model
 * {@code apply} wrote and its scores into classifications, with pixels made exactly as qsvit's own image reader
 * makes them, so DJL, DJL Serving and {@code qsvit evaluate} predict the same class for the same file.
 * <p>
 * {@link io.qsvit.djl.ImageClassifierServingTranslator} is what DJL Serving loads from a model folder's
 * {@code libs/qsvit-djl.jar} ({@code apply --djl-serving} writes both); {@link
 * io.qsvit.djl.ImageClassifierTranslatorFactory} is for programs that load such a folder through DJL's
 * {@code Criteria} with typed inputs (an image, a path, a URL) and outputs ({@code Classifications}). These
 * classes, and the few library classes they use, form the {@code io.qsvit:qsvit-djl} artifact; they need
 * DJL's api and nothing else.
 */
package io.qsvit.djl;
