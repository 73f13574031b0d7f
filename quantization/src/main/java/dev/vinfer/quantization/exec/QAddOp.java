package dev.vinfer.quantization.exec;

import dev.vinfer.ops.util.Broadcast;
import dev.vinfer.quantization.simd.QuantKernels;
import dev.vinfer.quantization.simd.QuantKernels.Activation;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * A fused {@code DequantizeLinear x2 -> Add/Mul [-> activation] -> QuantizeLinear} chain, bit-exact with the unfused
 * path: each operand's dequantized float comes from a 256-entry table holding exactly what DequantizeLinear
 * computes, the float32 sum (or product) and activation are those of the float ops, and the quantization is
 * QuantizeLinear's. Broadcasting follows numpy.
 */
public final class QAddOp implements Operator {
    private final boolean multiply;
    private final QParams a;
    private final QParams b;
    private final QParams y;
    private final float[] aTable;
    private final float[] bTable;
    private final Activation act;
    private final String fusedName;

    public QAddOp(boolean multiply, QParams a, QParams b, Activation act, QParams y, String fusedName) {
        this.multiply = multiply;
        this.a = a;
        this.b = b;
        this.y = y;
        this.aTable = a.dequantizeTable();
        this.bTable = b.dequantizeTable();
        this.act = act;
        this.fusedName = fusedName;
    }

    @Override
    public String opType() {
        return fusedName;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor at = in[0];
        Tensor bt = in[1];
        if (at.dtype() != a.dtype() || bt.dtype() != b.dtype()) {
            throw new VinferException(fusedName + " expects " + a.dtype().displayName() + " and "
                    + b.dtype().displayName() + " inputs, got " + at + " and " + bt);
        }
        int[] shape = Shapes.broadcast(at.shape(), bt.shape());
        Tensor yt = ctx.output(0, y.dtype(), shape);
        int size = yt.size();
        int[] ia = Broadcast.same(at.shape(), shape) ? null : Broadcast.indexMap(at.shape(), shape);
        int[] ib = Broadcast.same(bt.shape(), shape) ? null : Broadcast.indexMap(bt.shape(), shape);
        byte[] ab = at.bytes();
        byte[] bb = bt.bytes();
        byte[] yb = yt.bytes();
        int ao = at.offset();
        int bo = bt.offset();
        int yo = yt.offset();
        if (ia == null && ib == null) {
            QuantKernels.get().binary(multiply, ab, ao, a.unsigned(), a.zeroPoint(), a.scale(), bb, bo, b.unsigned(),
                    b.zeroPoint(), b.scale(), act, y.scale(), y.zeroPoint(), y.qmin(), y.qmax(), yb, yo, size);
            return new Tensor[] {yt};
        }
        boolean noAct = act.isNone();
        for (int i = 0; i < size; i++) {
            float va = aTable[ab[ao + (ia == null ? i : ia[i])] & 0xFF];
            float vb = bTable[bb[bo + (ib == null ? i : ib[i])] & 0xFF];
            float v = multiply ? va * vb : va + vb;
            if (!noAct) {
                v = act.apply(v);
            }
            yb[yo + i] = (byte) y.quantize(v);
        }
        return new Tensor[] {yt};
    }
}
