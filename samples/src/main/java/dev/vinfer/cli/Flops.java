package dev.vinfer.cli;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.conv.NchwcPointwiseMeanOp;
import dev.vinfer.ops.conv.NchwcStemPoolOp;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/** Floating-point operations of the compute-heavy ops, from the shapes seen in a run (multiply-add = 2). */
final class Flops {
    private Flops() {
    }

    /**
     * FLOPs of one node given its op, inputs and outputs; 0 for ops not counted. A blocked stem and its max pool as
     * one node ({@link NchwcStemPoolOp}) count the stem's multiply-adds on its own output, which only the op knows;
     * so does a 1x1 convolution and its GlobalAveragePool as one node ({@link NchwcPointwiseMeanOp}), and a 1-D
     * convolution with its max pool fused ({@link ConvOp#rowMaxPool()}), whose output is the pooled one.
     */
    static double of(Operator op, Tensor[] in, Tensor[] out) {
        if (op instanceof ConvOp c && c.rowMaxPool() > 1) {
            if (in.length < 2 || in[0] == null || in[1] == null) {
                return 0;
            }
            var g = c.geometryFor(in[0].shape(), in[1].shape());
            return 2.0 * g.batch() * g.outChannels() * g.outputDim(0) * g.reductionLength();
        }
        if (op instanceof NchwcStemPoolOp sp) {
            return in.length < 2 || in[1] == null ? 0 : 2.0 * sp.stemPositions() * in[1].size();
        }
        if (op instanceof NchwcPointwiseMeanOp pm) {
            return in.length < 2 || in[1] == null ? 0 : 2.0 * pm.convPositions() * in[1].size();
        }
        return of(op.opType(), in, out);
    }

    /** FLOPs of one node given its op type, inputs and outputs; 0 for ops not counted. */
    static double of(String opType, Tensor[] in, Tensor[] out) {
        if (opType.startsWith("Conv") && opType.contains(">") && in.length >= 7 && in[0] != null && out.length > 0
                && out[0] != null) {
            return bottleneck(in, out[0]);
        }
        if (in.length < 2 || in[0] == null || in[1] == null || out.length == 0 || out[0] == null) {
            return 0;
        }
        Tensor w = in[1];
        if (opType.startsWith("Conv") && opType.endsWith("+Concat")) {
            // ConvConcatOp: (input, weights, bias) per convolution, all writing one output of the summed channels
            long channels = 0;
            for (int i = 1; i < in.length; i += 3) {
                channels += in[i] == null ? 0 : in[i].dim(0);
            }
            double pixels = outputPixels(out[0], channels);
            double sum = 0;
            for (int i = 1; i < in.length; i += 3) {
                sum += in[i] == null ? 0 : 2.0 * pixels * in[i].size();
            }
            return sum;
        }
        if (opType.startsWith("ConvTranspose")) {
            return 2.0 * in[0].size() * ((double) w.size() / Math.max(1, w.dim(0)));
        }
        if (opType.startsWith("Conv") || opType.startsWith("QLinearConv") || opType.startsWith("ConvInteger")) {
            Tensor weights = opType.startsWith("QLinearConv") && in.length > 3 ? in[3] : w;
            return 2.0 * outputPixels(out[0], weights.dim(0)) * weights.size();
        }
        if (opType.startsWith("MatMul") || opType.startsWith("QLinearMatMul")) {
            Tensor a = in[0];
            return 2.0 * out[0].size() * (a.rank() == 0 ? 1 : a.dim(-1));
        }
        if (opType.startsWith("Gemm")) {
            double k = Math.sqrt((double) in[0].size() * w.size() / Math.max(1, out[0].size()));
            return 2.0 * out[0].size() * Math.rint(k);
        }
        return 0;
    }

    /**
     * An inverted bottleneck as one node ({@code NchwcBottleneckOp}: blocked input, then weights and bias of the
     * optional expansion, the depthwise and the projection): the expansion on every input pixel, the depthwise and
     * projection on every output pixel.
     */
    private static double bottleneck(Tensor[] in, Tensor out) {
        double inPixels = pixels(in[0]);
        double outPixels = pixels(out);
        double sum = in[1] == null ? 0 : 2.0 * inPixels * in[1].size();
        sum += in[3] == null ? 0 : 2.0 * outPixels * in[3].size();
        return sum + (in[5] == null ? 0 : 2.0 * outPixels * in[5].size());
    }

    /**
     * Images x positions of a convolution's output of {@code channels} channels: plain {@code [N, M, spatial...]}
     * when its second dimension is M, else channel-blocked {@code [N, ceil(M/16), spatial..., 16]}, whose padding
     * lanes past M are not work.
     */
    private static double outputPixels(Tensor out, long channels) {
        if (out.rank() < 2 || out.dim(1) == channels) {
            return (double) out.size() / Math.max(1, channels);
        }
        return pixels(out);
    }

    /** Images x positions of a blocked {@code [N, Cb, H, W, 16]} tensor. */
    private static double pixels(Tensor t) {
        return (double) t.size() / Math.max(1, (long) t.dim(1) * t.dim(-1));
    }
}
