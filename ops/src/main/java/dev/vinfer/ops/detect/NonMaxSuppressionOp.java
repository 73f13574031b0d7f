package dev.vinfer.ops.detect;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NonMaxSuppression: per batch and per class, greedily keeps boxes in descending score order (equal scores: lower
 * box index first) and drops every box whose IoU with an already kept box of that class exceeds the threshold.
 * Boxes scoring at or below score_threshold (when given) are never candidates. Output rows are
 * [batch, class, box] as int64, batch-major, then class, then selection order; their count depends on the data.
 *
 * <p>IoU is computed in float, as the ONNX reference does, so a box exactly at the threshold behaves the same.
 */
public final class NonMaxSuppressionOp implements Operator {
    private final boolean centerPointBox;

    public NonMaxSuppressionOp(boolean centerPointBox) {
        this.centerPointBox = centerPointBox;
    }

    @Override
    public String opType() {
        return "NonMaxSuppression";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor boxes = inputs[0];
        Tensor scores = inputs[1];
        if (boxes.rank() != 3 || boxes.dim(2) != 4) {
            throw new VinferException("NonMaxSuppression boxes must be [batches, boxes, 4], got " + boxes);
        }
        int batches = boxes.dim(0);
        int numBoxes = boxes.dim(1);
        if (scores.rank() != 3 || scores.dim(0) != batches || scores.dim(2) != numBoxes) {
            throw new VinferException("NonMaxSuppression scores must be [" + batches + ", classes, " + numBoxes
                    + "], got " + scores);
        }
        int classes = scores.dim(1);
        long maxPerClass = present(inputs, 2) ? Math.max(0, inputs[2].getLong(0)) : 0;
        float iouThreshold = present(inputs, 3) ? inputs[3].getFloat(0) : 0f;
        boolean filterByScore = present(inputs, 4);
        float scoreThreshold = filterByScore ? inputs[4].getFloat(0) : 0f;

        List<long[]> selected = new ArrayList<>();
        float[] corners = new float[numBoxes * 4];
        Integer[] order = new Integer[numBoxes];
        int[] keptInClass = new int[numBoxes];
        for (int b = 0; b < batches; b++) {
            toCorners(boxes, b, numBoxes, corners);
            for (int c = 0; c < classes; c++) {
                int scoreBase = (b * classes + c) * numBoxes;
                int candidates = 0;
                for (int i = 0; i < numBoxes; i++) {
                    if (!filterByScore || scores.getFloat(scoreBase + i) > scoreThreshold) {
                        order[candidates++] = i;
                    }
                }
                // Stable sort by descending score: equal scores keep ascending box index (+ 0f makes -0 equal 0).
                Arrays.sort(order, 0, candidates, (p, q) -> Float.compare(scores.getFloat(scoreBase + q) + 0f,
                        scores.getFloat(scoreBase + p) + 0f));
                int kept = 0;
                for (int j = 0; j < candidates && kept < maxPerClass; j++) {
                    int box = order[j];
                    boolean keep = true;
                    for (int s = 0; s < kept && keep; s++) {
                        keep = !overlapsTooMuch(corners, box, keptInClass[s], iouThreshold);
                    }
                    if (keep) {
                        keptInClass[kept++] = box;
                        selected.add(new long[] {b, c, box});
                    }
                }
            }
        }
        Tensor out = ctx.output(0, DType.INT64, selected.size(), 3);
        long[] data = out.longs();
        int off = out.offset();
        for (int r = 0; r < selected.size(); r++) {
            System.arraycopy(selected.get(r), 0, data, off + r * 3, 3);
        }
        return new Tensor[] {out};
    }

    private static boolean present(Tensor[] inputs, int i) {
        return inputs.length > i && inputs[i] != null && inputs[i].size() > 0;
    }

    /** Writes each box of batch {@code b} as [xMin, yMin, xMax, yMax], whatever its format and corner order. */
    private void toCorners(Tensor boxes, int b, int numBoxes, float[] corners) {
        int base = b * numBoxes * 4;
        for (int i = 0; i < numBoxes; i++) {
            float v0 = boxes.getFloat(base + i * 4);
            float v1 = boxes.getFloat(base + i * 4 + 1);
            float v2 = boxes.getFloat(base + i * 4 + 2);
            float v3 = boxes.getFloat(base + i * 4 + 3);
            if (centerPointBox) {
                // [x_center, y_center, width, height]
                float halfW = v2 / 2;
                float halfH = v3 / 2;
                corners[i * 4] = v0 - halfW;
                corners[i * 4 + 1] = v1 - halfH;
                corners[i * 4 + 2] = v0 + halfW;
                corners[i * 4 + 3] = v1 + halfH;
            } else {
                // [y1, x1, y2, x2], any diagonal pair of corners
                corners[i * 4] = Math.min(v1, v3);
                corners[i * 4 + 1] = Math.min(v0, v2);
                corners[i * 4 + 2] = Math.max(v1, v3);
                corners[i * 4 + 3] = Math.max(v0, v2);
            }
        }
    }

    /** True when the IoU of boxes p and q is above the threshold; degenerate boxes never suppress. */
    private static boolean overlapsTooMuch(float[] corners, int p, int q, float threshold) {
        float ix = Math.min(corners[p * 4 + 2], corners[q * 4 + 2]) - Math.max(corners[p * 4], corners[q * 4]);
        float iy = Math.min(corners[p * 4 + 3], corners[q * 4 + 3])
                - Math.max(corners[p * 4 + 1], corners[q * 4 + 1]);
        if (ix <= 0 || iy <= 0) {
            return false;
        }
        float intersection = ix * iy;
        float areaP = (corners[p * 4 + 2] - corners[p * 4]) * (corners[p * 4 + 3] - corners[p * 4 + 1]);
        float areaQ = (corners[q * 4 + 2] - corners[q * 4]) * (corners[q * 4 + 3] - corners[q * 4 + 1]);
        float union = areaP + areaQ - intersection;
        if (intersection <= 0 || areaP <= 0 || areaQ <= 0 || union <= 0) {
            return false;
        }
        return intersection / union > threshold;
    }
}
