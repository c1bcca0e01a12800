/**
 * Image files into model input, as torchvision users write it: decoding through ImageIO (with the
 * TwelveMonkeys plugins), PIL's grey/RGB conversion, EXIF orientation, PIL's antialiased bilinear resize, center
 * crop, scale, mean/std, channel order and layout, configured by a {@link io.qsvit.eval.image.Preprocessing}
 * (presets {@code none} and {@code imagenet}). Below {@code eval.data}, which reads image folders through
 * {@link io.qsvit.eval.image.ImagePipeline}; the DJL translator uses the same pipeline.
 */
package io.qsvit.eval.image;
