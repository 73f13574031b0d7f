package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A per-tensor quantized unary op (QLinearSigmoid, QLinearLeakyRelu) as a lookup: the output byte of each of the
 * 256 input bytes is computed once by the reference arithmetic, so the result is bit-exact by construction.
 */
final class ByteTableOp implements Operator {
    private final String name;
    private final DType fixedOutput;
    private final Function<DType, byte[]> tableMaker;
    private final ConcurrentHashMap<DType, byte[]> tables = new ConcurrentHashMap<>();

    /** @param fixedOutput the output dtype, or null for the input's */
    ByteTableOp(String name, DType fixedOutput, Function<DType, byte[]> tableMaker) {
        this.name = name;
        this.fixedOutput = fixedOutput;
        this.tableMaker = tableMaker;
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
        byte[] table = tables.computeIfAbsent(x.dtype(), tableMaker);
        Tensor y = ctx.output(0, fixedOutput != null ? fixedOutput : x.dtype(), x.shape());
        byte[] src = x.bytes();
        byte[] dst = y.bytes();
        int so = x.offset();
        int dOff = y.offset();
        int n = x.size();
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = table[src[so + i] & 0xFF];
        }
        return new Tensor[] {y};
    }
}
