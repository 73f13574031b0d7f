package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A two-input quantized op whose operand dtypes are only known at run time (a QOperator node without zero points):
 * the fused op for each pair of int8/uint8 dtypes is made on first use.
 */
final class ByDTypeOp implements Operator {
    private final String name;
    private final BiFunction<DType, DType, Operator> maker;
    private final ConcurrentHashMap<Integer, Operator> ops = new ConcurrentHashMap<>();

    ByDTypeOp(String name, BiFunction<DType, DType, Operator> maker) {
        this.name = name;
        this.maker = maker;
    }

    @Override
    public String opType() {
        return name;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        DType a = in[0].dtype();
        DType b = in[1].dtype();
        for (DType t : new DType[] {a, b}) {
            if (t != DType.INT8 && t != DType.UINT8) {
                throw new VinferException(name + " takes int8 or uint8 operands, got " + t.displayName());
            }
        }
        int key = (a == DType.UINT8 ? 2 : 0) + (b == DType.UINT8 ? 1 : 0);
        return ops.computeIfAbsent(key, k -> maker.apply(a, b)).run(ctx, in);
    }
}
