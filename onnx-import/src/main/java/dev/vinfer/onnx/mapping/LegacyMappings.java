package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.ops.legacy.Affine;
import dev.vinfer.ops.legacy.CropOp;
import dev.vinfer.ops.legacy.ImageScalerOp;

/**
 * The experimental ops of the first ONNX releases (removed from the spec in opset 10) that real opset-7 exports
 * still carry: ImageScaler, Crop and Affine, with the semantics of their experimental definitions.
 */
public final class LegacyMappings {
    private LegacyMappings() {
    }

    public static void register(OpRegistry r) {
        r.add("", "ImageScaler", 1, 9, n -> new ImageScalerOp(n.getFloat("scale", 1f), n.getFloats("bias",
                new float[0])));
        r.add("", "Crop", 1, 9, n -> {
            int[] border = n.getIntArray("border", null);
            if (border == null || border.length != 4) {
                throw n.error("Crop needs border = (left, top, right, bottom)");
            }
            int[] scale = n.getIntArray("scale", null);
            if (scale != null && scale.length != 2) {
                throw n.error("Crop scale must be (height, width)");
            }
            return new CropOp(border, scale);
        });
        r.add("", "Affine", 1, 9, n -> {
            double alpha = n.getFloat("alpha", 1f);
            double beta = n.getFloat("beta", 0f);
            return Affine.op(alpha, beta);
        });
    }
}
