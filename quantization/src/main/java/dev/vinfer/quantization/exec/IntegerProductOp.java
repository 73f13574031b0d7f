package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * MatMulInteger / ConvInteger with constant weights on the fused kernels' exact products ({@link QMatMulOp},
 * {@link QConvOp}), returning the int32 sums. The input's signedness is only known at run time when its zero point
 * is absent, so the kernel (with its packed weights) is made on first use for each input dtype.
 */
final class IntegerProductOp implements Operator {
    private final String name;
    private final Function<DType, QMatMulOp> matMul;
    private final Function<DType, QConvOp> conv;
    private final Map<DType, Object> kernels = new EnumMap<>(DType.class);

    private IntegerProductOp(String name, Function<DType, QMatMulOp> matMul, Function<DType, QConvOp> conv) {
        this.name = name;
        this.matMul = matMul;
        this.conv = conv;
    }

    static IntegerProductOp matMul(Function<DType, QMatMulOp> maker) {
        return new IntegerProductOp("MatMulInteger(int8)", maker, null);
    }

    static IntegerProductOp conv(Function<DType, QConvOp> maker) {
        return new IntegerProductOp("ConvInteger(int8)", null, maker);
    }

    @Override
    public String opType() {
        return name;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        if (x.dtype() != DType.INT8 && x.dtype() != DType.UINT8) {
            throw new VinferException(name + " takes an int8 or uint8 input, got " + x);
        }
        Object k;
        synchronized (kernels) {
            k = kernels.computeIfAbsent(x.dtype(), t -> matMul != null ? matMul.apply(t) : conv.apply(t));
        }
        if (k instanceof QMatMulOp mm) {
            Tensor y = ctx.output(0, DType.INT32, mm.outputShape(x));
            mm.accumulateInts(x, ctx.parallel(), y.ints(), y.offset());
            return new Tensor[] {y};
        }
        QConvOp c = (QConvOp) k;
        Tensor y = ctx.output(0, DType.INT32, c.outputShape(x.shape()));
        c.accumulateInts(x, ctx.parallel(), ctx.options().convAlgorithm(), y.ints(), y.offset());
        return new Tensor[] {y};
    }
}
