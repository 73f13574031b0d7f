package dev.vinfer.ops.nn.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vinfer.runtime.VinferException;
import org.junit.jupiter.api.Test;

class PoolGeometryTest {

    private static PoolWindow window(int kernel, int stride, int dilation, PaddingPolicy policy, boolean ceil,
            int... pads) {
        return new PoolWindow(new int[] {kernel}, new int[] {stride}, new int[] {dilation},
                pads.length == 0 ? new int[2] : pads, policy, ceil);
    }

    @Test
    void samePaddingPutsTheOddPadAtTheEndOrTheBeginning() {
        PoolGeometry upper = PoolGeometry.of(window(2, 1, 1, PaddingPolicy.SAME_EXTRA_AT_END, false),
                new int[] {1, 1, 5});
        PoolGeometry lower = PoolGeometry.of(window(2, 1, 1, PaddingPolicy.SAME_EXTRA_AT_BEGIN, false),
                new int[] {1, 1, 5});
        assertArrayEquals(new int[] {1, 1, 5}, upper.outputShape());
        assertArrayEquals(new int[] {0, 1}, upper.pads());
        assertArrayEquals(new int[] {1, 0}, lower.pads());
    }

    @Test
    void samePaddingCountsTheDilatedKernel() {
        // out = ceil(8 / 3) = 3; total pad = (3 - 1) * 3 + (2 - 1) * 3 + 1 - 8 = 2
        PoolGeometry g = PoolGeometry.of(window(2, 3, 3, PaddingPolicy.SAME_EXTRA_AT_END, false),
                new int[] {1, 1, 8});
        assertArrayEquals(new int[] {1, 1, 3}, g.outputShape());
        assertArrayEquals(new int[] {1, 1}, g.pads());
    }

    @Test
    void ceilModeDropsAWindowStartingInTheEndPadding() {
        // (5 - 2) / 2 + 1 = 2.5: ceil gives 3, window 2 starts at 4, inside the input: kept
        assertArrayEquals(new int[] {1, 1, 3}, PoolGeometry.of(window(2, 2, 1, PaddingPolicy.EXPLICIT, true),
                new int[] {1, 1, 5}).outputShape());
        // (4 + 0 + 2 - 2) / 3 + 1 = 2.33, ceil 3, but window 2 would start at 6 >= 4 + 0: dropped
        assertArrayEquals(new int[] {1, 1, 2}, PoolGeometry.of(window(2, 3, 1, PaddingPolicy.EXPLICIT, true,
                0, 2), new int[] {1, 1, 4}).outputShape());
    }

    @Test
    void kernelLongerThanTheInputGivesAnEmptyOutputOrAnError() {
        assertArrayEquals(new int[] {1, 1, 0}, PoolGeometry.of(window(4, 3, 1, PaddingPolicy.EXPLICIT, false),
                new int[] {1, 1, 2}).outputShape());
        assertArrayEquals(new int[] {1, 1, 0}, PoolGeometry.of(window(4, 1, 1, PaddingPolicy.VALID, false),
                new int[] {1, 1, 3}).outputShape());
        assertThrows(VinferException.class, () -> PoolGeometry.of(window(4, 1, 1, PaddingPolicy.EXPLICIT,
                false), new int[] {1, 1, 2}));
    }

    @Test
    void rejectsAKernelOfTheWrongRank() {
        assertThrows(VinferException.class, () -> PoolGeometry.of(PoolWindow.of(2, 2), new int[] {1, 1, 4}));
    }

    @Test
    void anOutputOverTheLimitIsRejectedBeforeItsTapTablesExist() {
        // pads of a billion make one output dim about 500 M positions (three int tables of 2 GB each): rejected by
        // size, not by an OutOfMemoryError (a fuzz finding); under a session limit, smaller sizes are too
        PoolWindow huge = new PoolWindow(new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {1_000_000_000, 0, 0, 0}, PaddingPolicy.EXPLICIT, false);
        VinferException e = assertThrows(VinferException.class, () -> PoolGeometry.of(huge, new int[] {1, 1, 4, 4}));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
        PoolWindow padded = window(2, 1, 1, PaddingPolicy.EXPLICIT, false, 100, 100);
        assertArrayEquals(new int[] {1, 1, 203}, PoolGeometry.of(padded, new int[] {1, 1, 4}, 203).outputShape());
        assertThrows(VinferException.class, () -> PoolGeometry.of(padded, new int[] {1, 1, 4}, 202));
        // an empty output (one dim 0) with another dim past the limit is rejected too
        PoolWindow wide = new PoolWindow(new int[] {2, 9}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {0, 100_000, 0, 100_000}, PaddingPolicy.EXPLICIT, false);
        assertThrows(VinferException.class, () -> PoolGeometry.of(wide, new int[] {1, 1, 1, 4}, 1000));
    }
}
