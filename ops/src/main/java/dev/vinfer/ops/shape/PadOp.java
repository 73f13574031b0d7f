package dev.vinfer.ops.shape;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Pad in modes constant, reflect, edge and wrap. Pads are [x1_begin, x2_begin, ..., x1_end, x2_end, ...] over all
 * axes or over {@code axes} (opset 18). Negative pads remove elements: the input is cropped by them first and the
 * positive pads then extend the cropped input, so reflect/edge/wrap read only kept elements.
 */
public final class PadOp implements Operator {

    /** How positions outside the (cropped) input are filled. */
    public enum Mode {
        CONSTANT, REFLECT, EDGE, WRAP;

        /** The mode named by the ONNX attribute, or null if unknown. */
        public static Mode parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "constant" -> CONSTANT;
                case "reflect" -> REFLECT;
                case "edge" -> EDGE;
                case "wrap" -> WRAP;
                default -> null;
            };
        }
    }

    private final Mode mode;
    private final long[] fixedPads;
    private final double fixedValue;

    /** Pad reading pads, constant_value and axes from inputs 1-3 (opset 11+). */
    public PadOp(Mode mode) {
        this(mode, null, 0);
    }

    /** Pad with attribute pads and value (before opset 11); {@code fixedPads} null reads input 1. */
    public PadOp(Mode mode, long[] fixedPads, double fixedValue) {
        this.mode = mode;
        this.fixedPads = fixedPads == null ? null : fixedPads.clone();
        this.fixedValue = fixedValue;
    }

    @Override
    public String opType() {
        return "Pad";
    }

    @Override
    public String describe() {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        int[] in = x.shape();
        int r = in.length;
        long[] pads = fixedPads != null ? fixedPads : IndexArgs.longs(inputs[1], "Pad pads");
        int[] axes;
        if (fixedPads == null && inputs.length > 3 && inputs[3] != null) {
            axes = IndexArgs.axes(IndexArgs.longs(inputs[3], "Pad axes"), r, "Pad");
        } else {
            axes = new int[r];
            for (int i = 0; i < r; i++) {
                axes[i] = i;
            }
        }
        if (pads.length != 2 * axes.length) {
            throw new VinferException("Pad: " + pads.length + " pads for " + axes.length + " axes (need "
                    + 2 * axes.length + ")");
        }
        long[] begin = new long[r];
        long[] end = new long[r];
        for (int i = 0; i < axes.length; i++) {
            begin[axes[i]] = pads[i];
            end[axes[i]] = pads[axes.length + i];
        }
        // Shape and checks first: the output (and its limit check) comes before any per-element work.
        int[] out = new int[r];
        boolean anyConstant = false;
        for (int a = 0; a < r; a++) {
            out[a] = outputDim(in[a], begin[a], end[a], a);
            anyConstant |= mode == Mode.CONSTANT && (begin[a] > 0 || end[a] > 0);
        }
        Tensor value = anyConstant ? constantValue(x, inputs) : null;
        Tensor y = ctx.output(0, x.dtype(), out);
        if (y.size() == 0) {
            return ctx.result(y);
        }
        boolean floatRows = r > 0 && x.dtype() == DType.FLOAT32;
        if (anyConstant && !floatRows) {
            ElementCopy.fill(y, value, 0);
        }
        if (r == 0) {
            ElementCopy.copy(x, 0, y, 0, 1);
            return ctx.result(y);
        }
        int[][] maps = new int[r][];
        for (int a = 0; a < r; a++) {
            maps[a] = axisMap(in[a], begin[a], end[a], out[a]);
        }
        if (floatRows) {
            FloatPadRows.run(x, y, maps, Shapes.strides(in), out, anyConstant ? value.getFloat(0) : 0f,
                    ctx.parallel());
        } else {
            copyRows(x, y, maps, Shapes.strides(in), out);
        }
        return ctx.result(y);
    }

    /** Copies every output row whose outer coordinates all map into the input, one last-axis gather per row. */
    private static void copyRows(Tensor x, Tensor y, int[][] maps, int[] inStrides, int[] out) {
        int r = out.length;
        int[] last = maps[r - 1];
        int rowLength = out[r - 1];
        int rows = y.size() / rowLength;
        int[] pos = new int[r - 1];
        for (int row = 0; row < rows; row++) {
            int src = 0;
            boolean inside = true;
            for (int a = 0; a < r - 1 && inside; a++) {
                int c = maps[a][pos[a]];
                inside = c >= 0;
                src += c * inStrides[a];
            }
            if (inside) {
                ElementCopy.gather(x, src, last, y, row * rowLength);
            }
            for (int a = r - 2; a >= 0; a--) {
                if (++pos[a] < out[a]) {
                    break;
                }
                pos[a] = 0;
            }
        }
    }

    /** The padded size of one axis, after checking that the crop and the mode are possible. */
    private int outputDim(int dim, long begin, long end, int axis) {
        if (outOfRange(begin) || outOfRange(end)) {
            throw new VinferException("Pad: pads " + begin + ", " + end + " on axis " + axis + " are out of range");
        }
        long kept = dim - Math.max(0, -begin) - Math.max(0, -end);
        if (kept < 0) {
            throw new VinferException("Pad: pads " + begin + ", " + end + " remove more than the " + dim
                    + " elements of axis " + axis);
        }
        long size = kept + Math.max(0, begin) + Math.max(0, end);
        if (size > Shapes.MAX_ELEMENTS) {
            throw new VinferException("Pad: axis " + axis + " would have " + size + " elements");
        }
        if (kept == 0 && size > 0 && mode != Mode.CONSTANT) {
            throw new VinferException("Pad: " + mode.name().toLowerCase(Locale.ROOT)
                    + " padding of an empty axis " + axis);
        }
        return (int) size;
    }

    private static boolean outOfRange(long pad) {
        return pad < -Shapes.MAX_ELEMENTS || pad > Shapes.MAX_ELEMENTS;
    }

    /** For each output coordinate on one axis, the input coordinate it copies, or -1 for the constant. */
    private int[] axisMap(int dim, long begin, long end, int size) {
        long cropBegin = Math.max(0, -begin);
        int kept = (int) (dim - cropBegin - Math.max(0, -end));
        long padBegin = Math.max(0, begin);
        int[] map = new int[size];
        for (int o = 0; o < size; o++) {
            long i = o - padBegin;
            int c;
            if (i >= 0 && i < kept) {
                c = (int) i;
            } else {
                c = switch (mode) {
                    case CONSTANT -> -1;
                    case EDGE -> i < 0 ? 0 : kept - 1;
                    case WRAP -> (int) Math.floorMod(i, (long) kept);
                    case REFLECT -> reflect(i, kept);
                };
            }
            map[o] = c < 0 ? -1 : (int) (c + cropBegin);
        }
        return map;
    }

    /** numpy 'reflect': mirror about the first and last elements, repeating for pads longer than the axis. */
    private static int reflect(long i, int k) {
        if (k == 1) {
            return 0;
        }
        long period = 2L * (k - 1);
        long m = Math.floorMod(i, period);
        return (int) (m < k ? m : period - m);
    }

    private Tensor constantValue(Tensor x, Tensor[] inputs) {
        if (fixedPads == null && inputs.length > 2 && inputs[2] != null && inputs[2].size() > 0) {
            Tensor v = inputs[2];
            if (v.size() != 1) {
                throw new VinferException("Pad: constant_value must be a scalar, got " + v);
            }
            ElementCopy.requireSameDType(x, v, "Pad constant_value");
            return v;
        }
        Tensor v = ElementCopy.zero(x.dtype());
        v.setDouble(0, fixedValue);
        return v;
    }

    @Override
    public String toString() {
        return "Pad(" + mode + (fixedPads == null ? "" : ", " + Arrays.toString(fixedPads)) + ")";
    }
}
