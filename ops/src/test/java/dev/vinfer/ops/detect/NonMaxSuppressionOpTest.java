package dev.vinfer.ops.detect;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

class NonMaxSuppressionOpTest {
    private static final Tensor BOXES = Tensor.of(new float[] {
        0, 0, 1, 1,
        0, 5, 1, 6, // apart from the others
        0, 0.05f, 1, 1.05f, // overlaps box 0 heavily, same score as box 0
    }, 1, 3, 4);
    private static final Tensor SCORES = Tensor.of(new float[] {0.5f, 0.9f, 0.5f}, 1, 1, 3);

    @Test
    void withoutMaxOutputNothingIsSelected() {
        Tensor out = new NonMaxSuppressionOp(false).run(new TestContext(), new Tensor[] {BOXES, SCORES})[0];
        assertArrayEquals(new int[] {0, 3}, out.shape());
    }

    @Test
    void greedyByScoreWithTiesByIndexAndNoScoreFilter() {
        Tensor max = Tensor.of(new long[] {10}, 1);
        Tensor iou = Tensor.of(new float[] {0.5f}, 1);
        Tensor out = new NonMaxSuppressionOp(false).run(new TestContext(),
                new Tensor[] {BOXES, SCORES, max, iou, null})[0];
        // box 1 first (0.9); then the tie of boxes 0 and 2 goes to the lower index, which suppresses box 2
        assertArrayEquals(new long[] {0, 0, 1, 0, 0, 0}, out.toLongArray());
    }
}
