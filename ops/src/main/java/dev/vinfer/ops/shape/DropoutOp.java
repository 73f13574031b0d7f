package dev.vinfer.ops.shape;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Dropout. In inference (always before opset 12; from 12 when the training_mode input is absent or false, or the
 * ratio is 0) the output is the input itself and the optional mask is all ones (bool from opset 10, the data's
 * dtype before). In training mode each element is kept when a uniform draw in [0, 1) is >= ratio and scaled by
 * 1 / (1 - ratio). The draws come from numpy's legacy MT19937 seeded with the {@code seed} attribute, as the ONNX
 * reference does, so seeded runs are reproducible; without a seed every run draws a fresh seed.
 */
public final class DropoutOp implements Operator {
    private final boolean trainingInputs;
    private final DType maskDType;
    private final boolean wantMask;
    private final Long seed;

    /**
     * @param trainingInputs true from opset 12: ratio and training_mode are inputs 1 and 2
     * @param maskDType      dtype of the mask output, or null to use the data's (opsets 7-9)
     * @param wantMask       whether the node has a mask output
     * @param seed           the seed attribute, or null
     */
    public DropoutOp(boolean trainingInputs, DType maskDType, boolean wantMask, Long seed) {
        this.trainingInputs = trainingInputs;
        this.maskDType = maskDType;
        this.wantMask = wantMask;
        this.seed = seed;
    }

    @Override
    public String opType() {
        return "Dropout";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        boolean training = trainingInputs && inputs.length > 2 && inputs[2] != null && scalar(inputs[2],
                "training_mode") != 0;
        double ratio = trainingInputs && inputs.length > 1 && inputs[1] != null ? scalar(inputs[1], "ratio") : 0.5;
        DType md = maskDType == null ? x.dtype() : maskDType;
        if (!training || ratio == 0) {
            if (!wantMask) {
                return new Tensor[] {x};
            }
            Tensor mask = ctx.output(1, md, x.shape());
            Tensor one = Tensor.zeros(md, 1);
            one.setLong(0, 1);
            ElementCopy.fill(mask, one, 0);
            return new Tensor[] {x, mask};
        }
        if (!(ratio > 0 && ratio < 1)) {
            throw new VinferException("Dropout: ratio " + ratio + " is not in [0, 1)");
        }
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException("Dropout: training mode needs a float input, got " + x);
        }
        Tensor y = ctx.output(0, x.dtype(), x.shape());
        Tensor mask = wantMask ? ctx.output(1, md, x.shape()) : null;
        NumpyLegacyRandom random = new NumpyLegacyRandom(seed != null ? seed
                : ThreadLocalRandom.current().nextLong(1L << 32));
        double scale = 1.0 / (1.0 - ratio);
        int n = x.size();
        for (int i = 0; i < n; i++) {
            boolean keep = random.nextDouble() >= ratio;
            y.setDouble(i, keep ? x.getDouble(i) * scale : 0);
            if (mask != null) {
                mask.setLong(i, keep ? 1 : 0);
            }
        }
        return wantMask ? new Tensor[] {y, mask} : new Tensor[] {y};
    }

    private static double scalar(Tensor t, String what) {
        if (t.size() != 1) {
            throw new VinferException("Dropout: " + what + " must be a scalar, got " + t);
        }
        return t.getDouble(0);
    }
}
