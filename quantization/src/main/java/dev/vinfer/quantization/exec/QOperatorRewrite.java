package dev.vinfer.quantization.exec;

import dev.vinfer.ops.conv.ConvAttributes;
import dev.vinfer.ops.quant.ConvIntegerOp;
import dev.vinfer.ops.quant.DynamicQuantizeLinearOp;
import dev.vinfer.ops.quant.MatMulIntegerOp;
import dev.vinfer.ops.quant.QLinearBinaryOp;
import dev.vinfer.ops.quant.QLinearConcatOp;
import dev.vinfer.ops.quant.QLinearGlobalAveragePoolOp;
import dev.vinfer.ops.quant.QLinearMatMulOp;
import dev.vinfer.ops.quant.QLinearUnaryOp;
import dev.vinfer.quantization.simd.QuantKernels.Activation;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;

/**
 * QOperator-form nodes onto the kernels the fused QDQ path uses (QLinearConv is {@link QLinearConvRewrite}):
 * <ul>
 * <li>QLinearMatMul with a constant 2-D B, per-tensor a and y, B per tensor or per column: a {@link QMatMulOp};</li>
 * <li>MatMulInteger with a constant 2-D B and ConvInteger with constant weights: the same exact products with an
 * int32 output ({@link IntegerProductOp});</li>
 * <li>com.microsoft QLinearAdd / QLinearMul with per-tensor constant parameters: a {@link QAddOp} (bit-exact);</li>
 * <li>com.microsoft QLinearSigmoid / QLinearLeakyRelu: a 256-entry table ({@link ByteTableOp}, bit-exact);</li>
 * <li>com.microsoft QLinearConcat: copies and 256-entry requantization tables ({@link QConcatOp}, bit-exact);</li>
 * <li>com.microsoft QLinearGlobalAveragePool (NCHW): {@link ByteGlobalAveragePoolOp} (bit-exact);</li>
 * <li>DynamicQuantizeLinear: {@link FastDynamicQuantizeOp} (vectorized quantization, bit-exact).</li>
 * </ul>
 * A node whose parameters are not constants of the supported kinds keeps its reference op, which is also the
 * oracle the tests compare these against.
 */
final class QOperatorRewrite {
    private QOperatorRewrite() {
    }

    /** The rewritten node, or null to keep the reference op. */
    static Node rewrite(Node n) {
        Operator op = n.op();
        if (op instanceof QLinearMatMulOp) {
            return qlinearMatMul(n);
        }
        if (op instanceof MatMulIntegerOp) {
            return matMulInteger(n);
        }
        if (op instanceof ConvIntegerOp c) {
            return convInteger(n, c);
        }
        if (op instanceof QLinearBinaryOp b) {
            return qlinearBinary(n, b);
        }
        if (op instanceof QLinearUnaryOp u) {
            return qlinearUnary(n, u);
        }
        if (op instanceof QLinearConcatOp c) {
            return qlinearConcat(n, c);
        }
        if (op instanceof QLinearGlobalAveragePoolOp p && !p.channelsLast()) {
            return qlinearGlobalAveragePool(n);
        }
        if (op instanceof DynamicQuantizeLinearOp d) {
            return n.withOp(new FastDynamicQuantizeOp(d));
        }
        return null;
    }

    private static Node qlinearMatMul(Node n) {
        if (n.inputCount() < 8 || !constants(n, 1, 8) || n.input(2) == null || n.input(7) == null) {
            return null;
        }
        QParams a = scalar(n.input(1), n.input(2));
        QParams y = scalar(n.input(6), n.input(7));
        Tensor b = n.input(3).constant();
        if (a == null || y == null || !isByte(b.dtype()) || b.rank() != 2) {
            return null;
        }
        int cols = b.dim(1);
        float[] bs = columnScales(n.input(4).constant(), cols);
        int[] bz = columnZeros(n.input(5) == null ? null : n.input(5).constant(), b.dtype(), bs == null ? 0
                : bs.length);
        if (bs == null || bz == null) {
            return null;
        }
        QMatMulOp fused = new QMatMulOp(a, b, bs, bz, null, 1f, Activation.NONE, y, "QLinearMatMul(int8)");
        return n.with(fused, new Value[] {n.input(0)}, new Value[] {n.output(0)});
    }

    private static Node matMulInteger(Node n) {
        if (!constants(n, 1, n.inputCount()) || n.input(1) == null) {
            return null;
        }
        Tensor b = n.input(1).constant();
        Tensor az = n.inputCount() > 2 && n.input(2) != null ? n.input(2).constant() : null;
        Tensor bzt = n.inputCount() > 3 && n.input(3) != null ? n.input(3).constant() : null;
        if (!isByte(b.dtype()) || b.rank() != 2 || az != null && (az.size() != 1 || !isByte(az.dtype()))) {
            return null;
        }
        int cols = b.dim(1);
        int[] bz = bzt == null ? new int[1] : columnZeros(bzt, b.dtype(), bzt.size() == 1 ? 1 : cols);
        if (bz == null || bzt != null && bzt.size() != 1 && (bzt.size() != cols || bzt.rank() > 2)) {
            return null;
        }
        int zeroA = az == null ? 0 : (int) az.getLong(0);
        float[] ones = new float[] {1f};
        IntegerProductOp fused = IntegerProductOp.matMul(xType -> {
            if (az != null && az.dtype() != xType) {
                throw new dev.vinfer.runtime.VinferException(n + ": a_zero_point is " + az.dtype().displayName()
                        + " but A is " + xType.displayName());
            }
            return new QMatMulOp(new QParams(1f, zeroA, xType), b, ones, bz, null, 1f, Activation.NONE,
                    new QParams(1f, 0, DType.INT8), "MatMulInteger(int8)");
        });
        return n.with(fused, new Value[] {n.input(0)}, new Value[] {n.output(0)});
    }

    private static Node convInteger(Node n, ConvIntegerOp op) {
        if (!constants(n, 1, n.inputCount()) || n.input(1) == null) {
            return null;
        }
        Tensor w = n.input(1).constant();
        Tensor xz = n.inputCount() > 2 && n.input(2) != null ? n.input(2).constant() : null;
        Tensor wzt = n.inputCount() > 3 && n.input(3) != null ? n.input(3).constant() : null;
        if (!isByte(w.dtype()) || w.rank() < 3 || xz != null && (xz.size() != 1 || !isByte(xz.dtype()))) {
            return null;
        }
        int m = w.dim(0);
        int[] wz = wzt == null ? new int[1] : columnZeros(wzt, w.dtype(), wzt.size() == 1 ? 1 : m);
        if (wz == null) {
            return null;
        }
        float[] ones = new float[wz.length];
        java.util.Arrays.fill(ones, 1f);
        int zeroX = xz == null ? 0 : (int) xz.getLong(0);
        ConvAttributes attrs = QLinearConvRewrite.attributes(op.geometry(), w.rank() - 2);
        IntegerProductOp fused = IntegerProductOp.conv(xType -> {
            if (xz != null && xz.dtype() != xType) {
                throw new dev.vinfer.runtime.VinferException(n + ": x_zero_point is " + xz.dtype().displayName()
                        + " but x is " + xType.displayName());
            }
            return new QConvOp(attrs, new QParams(1f, zeroX, xType), w, ones, wz, null, Activation.NONE,
                    new QParams(1f, 0, DType.INT8), "ConvInteger(int8)");
        });
        return n.with(fused, new Value[] {n.input(0)}, new Value[] {n.output(0)});
    }

    private static Node qlinearBinary(Node n, QLinearBinaryOp op) {
        if (n.inputCount() < 7 || !constants(n, 1, 3) || !constants(n, 4, n.inputCount())) {
            return null;
        }
        Tensor as = n.input(1).constant();
        Tensor bs = n.input(4).constant();
        Tensor cs = n.input(6).constant();
        Tensor az = zero(n, 2);
        Tensor bz = zero(n, 5);
        Tensor cz = zero(n, 7);
        if (!positiveScalar(as) || !positiveScalar(bs) || !positiveScalar(cs) || !byteScalar(az) || !byteScalar(bz)
                || !byteScalar(cz)) {
            return null;
        }
        boolean mul = op.opType().equals("QLinearMul");
        String name = op.opType() + "(int8)";
        Operator fused = new ByDTypeOp(name, (aType, bType) -> {
            DType cType = cz != null ? cz.dtype() : aType;
            return new QAddOp(mul, params(as, az, aType, "A", n), params(bs, bz, bType, "B", n), Activation.NONE,
                    params(cs, cz, cType, "C", n), name);
        });
        return n.with(fused, new Value[] {n.input(0), n.input(3)}, new Value[] {n.output(0)});
    }

    private static Node qlinearUnary(Node n, QLinearUnaryOp op) {
        if (n.inputCount() < 4 || !constants(n, 1, n.inputCount())) {
            return null;
        }
        Tensor xs = n.input(1).constant();
        Tensor ys = n.input(3).constant();
        Tensor xz = zero(n, 2);
        Tensor yz = zero(n, 4);
        if (!positiveScalar(xs) || !positiveScalar(ys) || !byteScalar(xz) || !byteScalar(yz)) {
            return null;
        }
        DType fixedOut = yz == null ? null : yz.dtype();
        ByteTableOp fused = new ByteTableOp(op.opType() + "(int8)", fixedOut, xType -> {
            if (xz != null && xz.dtype() != xType) {
                throw new dev.vinfer.runtime.VinferException(n + ": X_zero_point is " + xz.dtype().displayName()
                        + " but X is " + xType.displayName());
            }
            DType yType = fixedOut != null ? fixedOut : xType;
            return op.lookupTable(xType, xs.getFloat(0), xz == null ? 0 : (int) xz.getLong(0), ys.getFloat(0),
                    yz == null ? 0 : (int) yz.getLong(0), yType);
        });
        return n.with(fused, new Value[] {n.input(0)}, new Value[] {n.output(0)});
    }

    private static Node qlinearConcat(Node n, QLinearConcatOp op) {
        int count = (n.inputCount() - 2) / 3;
        if (n.inputCount() < 5 || (n.inputCount() - 2) % 3 != 0 || n.input(1) == null) {
            return null;
        }
        QParams y = scalar(n.input(0), n.input(1));
        if (y == null) {
            return null;
        }
        QParams[] in = new QParams[count];
        Value[] data = new Value[count];
        for (int t = 0; t < count; t++) {
            Value s = n.input(3 + 3 * t);
            Value z = n.input(4 + 3 * t);
            if (s == null || z == null || !s.isConstant() || !z.isConstant()) {
                return null;
            }
            in[t] = scalar(s, z);
            data[t] = n.input(2 + 3 * t);
            if (in[t] == null || data[t] == null) {
                return null;
            }
        }
        return n.with(new QConcatOp(op.axis(), in, y), data, new Value[] {n.output(0)});
    }

    private static Node qlinearGlobalAveragePool(Node n) {
        if (n.inputCount() < 5 || !constants(n, 1, 5) || n.input(2) == null || n.input(4) == null) {
            return null;
        }
        QParams x = scalar(n.input(1), n.input(2));
        QParams y = scalar(n.input(3), n.input(4));
        if (x == null || y == null) {
            return null;
        }
        return n.with(new ByteGlobalAveragePoolOp(x, y), new Value[] {n.input(0)}, new Value[] {n.output(0)});
    }

    private static QParams params(Tensor scale, Tensor zero, DType type, String what, Node n) {
        if (zero != null && zero.dtype() != type) {
            throw new dev.vinfer.runtime.VinferException(n + ": " + what + " zero point is "
                    + zero.dtype().displayName() + " but " + what + " is " + type.displayName());
        }
        return new QParams(scale.getFloat(0), zero == null ? 0 : (int) zero.getLong(0), type);
    }

    private static Tensor zero(Node n, int i) {
        return n.inputCount() > i && n.input(i) != null ? n.input(i).constant() : null;
    }

    /** True when inputs [from, to) are absent or constants. */
    private static boolean constants(Node n, int from, int to) {
        for (int i = from; i < Math.min(to, n.inputCount()); i++) {
            if (n.input(i) != null && !n.input(i).isConstant()) {
                return false;
            }
        }
        return true;
    }

    private static QParams scalar(Value scale, Value zero) {
        Tensor s = scale.constant();
        Tensor z = zero.constant();
        if (!positiveScalar(s) || !byteScalar(z)) {
            return null;
        }
        return new QParams(s.getFloat(0), (int) z.getLong(0), z.dtype());
    }

    private static boolean positiveScalar(Tensor t) {
        return t.size() == 1 && t.dtype() == DType.FLOAT32 && t.getFloat(0) > 0 && Float.isFinite(t.getFloat(0));
    }

    private static boolean byteScalar(Tensor t) {
        return t == null || t.size() == 1 && isByte(t.dtype());
    }

    private static boolean isByte(DType t) {
        return t == DType.INT8 || t == DType.UINT8;
    }

    /** 1 or {@code cols} positive scales laid out along the last axis ([N] or [1, N]), else null. */
    private static float[] columnScales(Tensor t, int cols) {
        if (t.dtype() != DType.FLOAT32 || t.size() != 1 && (t.size() != cols || t.dim(-1) != cols || t.rank() > 2)) {
            return null;
        }
        float[] s = new float[t.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.getFloat(i);
            if (!(s[i] > 0) || !Float.isFinite(s[i])) {
                return null;
            }
        }
        return s;
    }

    /** {@code count} zero points of the operand's dtype (absent: zeros), else null. */
    private static int[] columnZeros(Tensor t, DType operand, int count) {
        if (t == null) {
            return new int[Math.max(1, count)];
        }
        if (t.dtype() != operand || t.size() != count || count > 1 && t.dim(-1) != count) {
            return null;
        }
        return t.toIntArray();
    }
}
