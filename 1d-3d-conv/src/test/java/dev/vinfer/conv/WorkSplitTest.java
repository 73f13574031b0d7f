package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Work is cut into tasks two threads can share evenly (the "2 threads close to 2x"). */
class WorkSplitTest {

    @Test
    void pixelTilesAreEven() {
        // 3981 pixels with room for 3264 per tile: two tiles of about 1990 (2000 + 1981), not 3264 + 717.
        WorkGrid g = WorkGrid.plan(1, 3981, 3264, 128, 6, 2);
        assertEquals(2, g.tasks());
        assertTrue(Math.abs(g.pixelCount(0) - g.pixelCount(1)) <= 32, g.toString()); // tiles are whole 16-pixel units
        // Three equal tiles on two threads become four.
        WorkGrid h = WorkGrid.plan(1, 3000, 1000, 64, 6, 2);
        assertEquals(0, h.tasks() % 2, h.toString());
    }

    @Test
    void winogradStripsBalanceTwoThreads() {
        assertEquals(4, WinogradConv.makespan(1, 7, 4, 2));
        assertEquals(7, WinogradConv.makespan(1, 7, 7, 2));
        assertEquals(8, WinogradConv.makespan(1, 14, 2, 2));
        assertEquals(7, WinogradConv.makespan(1, 14, 1, 2));
        assertEquals(7, WinogradConv.makespan(2, 7, 7, 2));
    }
}
