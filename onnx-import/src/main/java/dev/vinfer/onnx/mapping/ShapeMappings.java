package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OnnxNode;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.onnx.UnsupportedFormException;
import dev.vinfer.ops.shape.ConcatOp;
import dev.vinfer.ops.shape.ConstantOfShapeOp;
import dev.vinfer.ops.shape.DepthToSpaceOp;
import dev.vinfer.ops.shape.DropoutOp;
import dev.vinfer.ops.shape.ExpandOp;
import dev.vinfer.ops.shape.FlattenOp;
import dev.vinfer.ops.shape.GatherElementsOp;
import dev.vinfer.ops.shape.GatherNDOp;
import dev.vinfer.ops.shape.GatherOp;
import dev.vinfer.ops.shape.OneHotOp;
import dev.vinfer.ops.shape.PadOp;
import dev.vinfer.ops.shape.RangeOp;
import dev.vinfer.ops.shape.ReshapeOp;
import dev.vinfer.ops.shape.ScatterElementsOp;
import dev.vinfer.ops.shape.ScatterNDOp;
import dev.vinfer.ops.shape.ScatterReduction;
import dev.vinfer.ops.shape.ShapeOp;
import dev.vinfer.ops.shape.SizeOp;
import dev.vinfer.ops.shape.SliceOp;
import dev.vinfer.ops.shape.SpaceToDepthOp;
import dev.vinfer.ops.shape.SplitOp;
import dev.vinfer.ops.shape.SqueezeOp;
import dev.vinfer.ops.shape.TileOp;
import dev.vinfer.ops.shape.TransposeOp;
import dev.vinfer.ops.shape.TriluOp;
import dev.vinfer.ops.shape.UnsqueezeOp;
import dev.vinfer.runtime.DType;
import java.util.Locale;

/**
 * Shape and data-movement ops: views (Reshape, Flatten, Squeeze, Unsqueeze), copies (Transpose, Concat, Split,
 * Slice, Gather*, Scatter*, Expand, Tile, Pad, DepthToSpace, SpaceToDepth), generators (Shape, Size,
 * ConstantOfShape, Range, OneHot, Trilu) and Dropout. Attribute forms of older opsets (axes, split, starts/ends,
 * pads) are turned into the same operators as their input forms.
 */
public final class ShapeMappings {
    private ShapeMappings() {
    }

    public static void register(OpRegistry r) {
        r.add("Reshape", n -> {
            if (n.opset() < 5) {
                throw new UnsupportedFormException("Reshape-" + n.opset() + " (shape attribute)");
            }
            return new ReshapeOp(n.getInt("allowzero", 0) != 0);
        });
        r.add("Flatten", n -> new FlattenOp(n.getInt("axis", 1)));
        r.add("Squeeze", n -> new SqueezeOp(n.opset() < 13 ? n.getInts("axes", null) : null));
        r.add("Unsqueeze", n -> {
            if (n.opset() >= 13) {
                return new UnsqueezeOp(null);
            }
            long[] axes = n.getInts("axes", null);
            if (axes == null) {
                throw n.error("Unsqueeze before opset 13 needs the axes attribute");
            }
            return new UnsqueezeOp(axes);
        });
        r.add("Transpose", n -> new TransposeOp(n.getIntArray("perm", null)));
        r.add("Shape", n -> new ShapeOp(n.getInt("start", 0), n.has("end") ? n.getInt("end", 0) : null));
        r.add("Size", n -> new SizeOp());
        r.add("Concat", n -> {
            if (!n.has("axis") && n.opset() >= 4) {
                throw n.error("Concat needs the axis attribute");
            }
            return new ConcatOp(n.getInt("axis", 1));
        });
        r.add("Split", ShapeMappings::split);
        r.add("Slice", n -> {
            if (n.opset() >= 10) {
                return new SliceOp();
            }
            long[] starts = n.getInts("starts", null);
            long[] ends = n.getInts("ends", null);
            if (starts == null || ends == null) {
                throw n.error("Slice before opset 10 needs the starts and ends attributes");
            }
            return new SliceOp(starts, ends, n.getInts("axes", null));
        });
        r.add("Gather", n -> new GatherOp(n.getInt("axis", 0)));
        r.add("GatherElements", n -> new GatherElementsOp(n.getInt("axis", 0)));
        r.add("GatherND", n -> new GatherNDOp((int) n.getInt("batch_dims", 0)));
        r.add("Expand", n -> new ExpandOp());
        r.add("Tile", n -> {
            if (n.opset() < 6) {
                throw new UnsupportedFormException("Tile-" + n.opset() + " (tiles and axis inputs)");
            }
            return new TileOp();
        });
        r.add("Pad", ShapeMappings::pad);
        r.add("DepthToSpace", n -> {
            String mode = n.getString("mode", "DCR").toUpperCase(Locale.ROOT);
            if (!mode.equals("DCR") && !mode.equals("CRD")) {
                throw n.error("unknown DepthToSpace mode '" + mode + "'");
            }
            return new DepthToSpaceOp(blocksize(n), mode.equals("CRD"));
        });
        r.add("SpaceToDepth", n -> new SpaceToDepthOp(blocksize(n)));
        r.add("ConstantOfShape", n -> new ConstantOfShapeOp(n.getTensor("value")));
        r.add("Range", n -> new RangeOp());
        r.add("Trilu", n -> new TriluOp(n.getInt("upper", 1) != 0));
        r.add("OneHot", n -> new OneHotOp(n.getInt("axis", -1)));
        r.add("ScatterND", n -> new ScatterNDOp(reduction(n)));
        r.add("ScatterElements", n -> new ScatterElementsOp("ScatterElements", n.getInt("axis", 0), reduction(n)));
        // Scatter is ScatterElements under its name before opset 11.
        r.add("Scatter", n -> new ScatterElementsOp("Scatter", n.getInt("axis", 0), ScatterReduction.NONE));
        r.add("Dropout", n -> new DropoutOp(n.opset() >= 12, n.opset() >= 10 ? DType.BOOL : null, n.hasOutput(1),
                n.has("seed") ? n.getInt("seed", 0) : null));
    }

    private static SplitOp split(OnnxNode n) {
        int parts = n.outputCount();
        long axis = n.getInt("axis", 0);
        if (n.opset() < 13) {
            long[] split = n.getInts("split", null);
            return new SplitOp(axis, split == null || split.length == 0 ? null : split, parts);
        }
        if (n.has("num_outputs")) {
            long num = n.getInt("num_outputs", 0);
            if (num != parts) {
                throw n.error("num_outputs " + num + " but the node has " + parts + " outputs");
            }
            if (n.hasInput(1)) {
                throw n.error("Split takes either the split input or num_outputs, not both");
            }
        }
        return new SplitOp(axis, null, parts);
    }

    private static PadOp pad(OnnxNode n) {
        String modeName = n.getString("mode", "constant");
        PadOp.Mode mode = PadOp.Mode.parse(modeName);
        if (mode == null || mode == PadOp.Mode.WRAP && n.opset() < 19) {
            throw new UnsupportedFormException("Pad-" + n.opset() + " with mode '" + modeName + "'");
        }
        if (n.opset() >= 11) {
            return new PadOp(mode);
        }
        long[] pads = n.getInts(n.opset() < 2 ? "paddings" : "pads", null);
        if (pads == null) {
            throw n.error("Pad before opset 11 needs the pads attribute");
        }
        return new PadOp(mode, pads, n.getFloat("value", 0f));
    }

    private static int blocksize(OnnxNode n) {
        if (!n.has("blocksize")) {
            throw n.error(n.opType() + " needs the blocksize attribute");
        }
        long b = n.getInt("blocksize", 0);
        if (b < 1 || b > Integer.MAX_VALUE) {
            throw n.error("invalid blocksize " + b);
        }
        return (int) b;
    }

    private static ScatterReduction reduction(OnnxNode n) {
        String name = n.getString("reduction", "none");
        ScatterReduction red = ScatterReduction.parse(name);
        if (red == null) {
            throw new UnsupportedFormException(n.opType() + " with reduction '" + name + "'");
        }
        return red;
    }
}
