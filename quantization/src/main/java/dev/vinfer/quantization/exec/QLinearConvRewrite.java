package dev.vinfer.quantization.exec;

import dev.vinfer.ops.conv.ConvAttributes;
import dev.vinfer.ops.conv.ConvPadding;
import dev.vinfer.ops.quant.ConvGeometry;
import dev.vinfer.ops.quant.QLinearConvOp;
import dev.vinfer.quantization.simd.QuantKernels.Activation;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.Arrays;

/**
 * QOperator-form QLinearConv with constant weights and per-tensor x/y parameters onto the fast {@link QConvOp}: the
 * same integer products and int32 bias, requantized with the same per-channel multiplier.
 */
final class QLinearConvRewrite {
    private QLinearConvRewrite() {
    }

    /** The rewritten node, or null when the node's parameters are not all constants of the supported kinds. */
    static Node rewrite(Node n, QLinearConvOp op) {
        for (int i = 1; i < n.inputCount(); i++) {
            if (n.input(i) != null && !n.input(i).isConstant()) {
                return null;
            }
        }
        if (n.inputCount() < 8 || n.input(0) == null || n.input(3) == null) {
            return null;
        }
        Tensor xScale = n.input(1).constant();
        Tensor w = n.input(3).constant();
        Tensor wScale = n.input(4).constant();
        Tensor yScale = n.input(6).constant();
        Tensor xZero = n.input(2) == null ? null : n.input(2).constant();
        Tensor wZero = n.input(5) == null ? null : n.input(5).constant();
        Tensor yZero = n.input(7) == null ? null : n.input(7).constant();
        Tensor bias = n.inputCount() > 8 && n.input(8) != null ? n.input(8).constant() : null;
        if (xScale.size() != 1 || yScale.size() != 1 || xZero != null && xZero.size() != 1
                || yZero != null && yZero.size() != 1 || w.rank() < 3
                || w.dtype() != DType.INT8 && w.dtype() != DType.UINT8) {
            return null;
        }
        int m = w.dim(0);
        if (wScale.size() != 1 && wScale.size() != m || wZero != null && wZero.size() != wScale.size()
                || bias != null && (bias.dtype() != DType.INT32 || bias.size() != m)) {
            return null;
        }
        DType xType = xZero != null ? xZero.dtype() : DType.UINT8;
        DType yType = yZero != null ? yZero.dtype() : xType;
        if (xType != DType.INT8 && xType != DType.UINT8 || yType != DType.INT8 && yType != DType.UINT8) {
            return null;
        }
        QParams x = new QParams(xScale.getFloat(0), xZero == null ? 0 : (int) xZero.getLong(0), xType);
        QParams y = new QParams(yScale.getFloat(0), yZero == null ? 0 : (int) yZero.getLong(0), yType);
        float[] ws = new float[wScale.size()];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = wScale.getFloat(i);
            if (!(ws[i] > 0)) {
                return null;
            }
        }
        if (!(x.scale() > 0) || !(y.scale() > 0)) {
            return null;
        }
        int[] wz = wZero == null ? new int[ws.length] : wZero.toIntArray();
        float[] b = null;
        if (bias != null) {
            // The int32 bias is in units of x_scale * w_scale[m]: as a real value it is bias * xs * ws[m].
            b = new float[m];
            for (int c = 0; c < m; c++) {
                b[c] = (float) ((double) bias.getLong(c) * x.scale() * ws[ws.length == 1 ? 0 : c]);
            }
        }
        ConvAttributes attrs = attributes(op.geometry(), w.rank() - 2);
        QConvOp fused = new QConvOp(attrs, x, w, ws, wz, b, Activation.NONE, y, "QLinearConv(int8)");
        return n.with(fused, new Value[] {n.input(0)}, new Value[] {n.output(0)});
    }

    static ConvAttributes attributes(ConvGeometry g, int rank) {
        ConvPadding padding = switch (g.padMode()) {
            case EXPLICIT -> {
                int[] pads = g.pads() == null ? new int[2 * rank] : g.pads();
                yield ConvPadding.explicit(Arrays.copyOfRange(pads, 0, rank), Arrays.copyOfRange(pads, rank,
                        2 * rank));
            }
            case SAME_UPPER -> ConvPadding.auto(ConvPadding.Mode.SAME_UPPER);
            case SAME_LOWER -> ConvPadding.auto(ConvPadding.Mode.SAME_LOWER);
            case VALID -> ConvPadding.auto(ConvPadding.Mode.VALID);
        };
        return new ConvAttributes(g.kernelShape(), g.strides(), g.dilations(), padding, g.group(), null, null);
    }
}
