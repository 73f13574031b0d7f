package dev.vinfer.ops.shape;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import org.junit.jupiter.api.Test;

/** Sizes computed from data (Range, Expand, Tile, ConstantOfShape, Reshape) and the reproducible Dropout draws. */
class GeneratorOpsTest {
    @Test
    void rangeCountsExactlyForExtremeInt64() {
        assertEquals(3, RangeOp.integerCount(10, 4, -2));
        // MIN, MIN + MAX = -1, MAX - 1: three values below MAX.
        assertEquals(3, RangeOp.integerCount(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, RangeOp.integerCount(Long.MIN_VALUE, Long.MAX_VALUE, 1));
        assertEquals(0, RangeOp.integerCount(5, 5, 1));
        Tensor[] in = {Tensor.scalar(0L), Tensor.scalar(Long.MAX_VALUE), Tensor.scalar(1L)};
        assertThrows(VinferException.class, () -> new RangeOp().run(new TestContext(), in));
    }

    @Test
    void dataDrivenSizesHitTheLimitBeforeAllocating() {
        TestContext small = TestContext.withMaxElements(100);
        Tensor x = Tensor.of(new float[] {1, 2}, 2);
        assertThrows(VinferException.class, () -> new ExpandOp().run(small,
                new Tensor[] {x, Tensor.of(new long[] {1000, 2}, 2)}));
        assertThrows(VinferException.class, () -> new TileOp().run(small,
                new Tensor[] {x, Tensor.of(new long[] {Long.MAX_VALUE / 2}, 1)}));
        assertThrows(VinferException.class, () -> new ConstantOfShapeOp(null).run(small,
                new Tensor[] {Tensor.of(new long[] {1 << 20, 1 << 20}, 2)}));
        assertThrows(VinferException.class, () -> new RangeOp().run(small,
                new Tensor[] {Tensor.scalar(0f), Tensor.scalar(1e6f), Tensor.scalar(1f)}));
    }

    @Test
    void reshapeRejectsAmbiguousShapes() {
        int[] in = {2, 3, 4};
        assertArrayEquals(new int[] {2, 3, 4}, ReshapeOp.resolve(in, new long[] {0, 0, -1}, false));
        assertThrows(VinferException.class, () -> ReshapeOp.resolve(in, new long[] {-1, -1}, false));
        assertThrows(VinferException.class, () -> ReshapeOp.resolve(in, new long[] {0, -1}, true));
        assertThrows(VinferException.class, () -> ReshapeOp.resolve(in, new long[] {5, -1}, false));
        assertThrows(VinferException.class, () -> ReshapeOp.resolve(in, new long[] {0, 0, 0, 0}, false));
    }

    @Test
    void splitCutsUnevenAxesWithASmallerLastChunk() {
        assertArrayEquals(new int[] {3, 3, 1}, SplitOp.equalChunks(7, 3));
        assertArrayEquals(new int[] {0, 0}, SplitOp.equalChunks(0, 2));
        assertThrows(VinferException.class, () -> SplitOp.equalChunks(5, 4));
    }

    @Test
    void dropoutDrawsMatchNumpyRandomState() {
        // numpy: np.random.seed(0); np.random.uniform(0, 1, 3)
        NumpyLegacyRandom r = new NumpyLegacyRandom(0);
        assertEquals(0.5488135039273248, r.nextDouble());
        assertEquals(0.7151893663724195, r.nextDouble());
        assertEquals(0.6027633760716439, r.nextDouble());
    }
}
