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
    void smallPlanesSplitOutputChannels() {
        // 7x7 plane, 512 output channels: two halves of the channels (whole 6-row panels), not 32 + 17 pixels.
        WorkGrid g = WorkGrid.plan(1, 49, 49, 512, 6, 2);
        assertEquals(2, g.tasks(), g.toString());
        assertEquals(1, g.tiles(), g.toString());
        assertEquals(0, g.rowBegin(0));
        assertEquals(0, g.rowBegin(1) % 6);
        assertTrue(Math.abs((g.rowEnd(0) - g.rowBegin(0)) - (g.rowEnd(1) - g.rowBegin(1))) <= 6, g.toString());
        // A large plane still splits pixels; few channels still split pixels.
        assertEquals(1, WorkGrid.plan(1, 3136, 3136, 64, 6, 2).rowParts());
        assertEquals(1, WorkGrid.plan(1, 196, 196, 12, 6, 2).rowParts());
    }

    @Test
    void winogradStripsBalanceTwoThreads() {
        assertEquals(4, WinogradStripPlan.makespan(1, 7, 4, 2));
        assertEquals(7, WinogradStripPlan.makespan(1, 7, 7, 2));
        assertEquals(8, WinogradStripPlan.makespan(1, 14, 2, 2));
        assertEquals(7, WinogradStripPlan.makespan(1, 14, 1, 2));
        assertEquals(7, WinogradStripPlan.makespan(2, 7, 7, 2));
    }

    /**
     * Few uneven strips: one strip per thread when that streams the transformed weights no more often than the
     * cooperative form (3D 64@8x28x28 F(4,3): 14 rows, preferred 3), cooperative when it would stream them more
     * (ResNet's 512@7x7: one strip of 4 rows; 128@28x28: one of 7).
     */
    @Test
    void winogradStripsOnePerThreadWhenThatReadsTheWeightsLess() {
        WinogradStripPlan p = WinogradStripPlan.of(1, 14, 3, false, 2);
        assertEquals(false, p.cooperative());
        assertEquals(7, p.rowsPerStrip());
        assertEquals(2, p.strips());
        assertEquals(true, WinogradStripPlan.of(1, 4, 4, false, 2).cooperative());
        assertEquals(true, WinogradStripPlan.of(1, 7, 7, false, 2).cooperative());
        // one thread: the preferred strips; too much growth or no even split: as before
        assertEquals(3, WinogradStripPlan.of(1, 14, 3, false, 1).rowsPerStrip());
        assertEquals(0, WinogradStripPlan.evenStrip(1, 14, 2, 2)); // 7 > 3 x 2
        assertEquals(0, WinogradStripPlan.evenStrip(1, 5, 1, 2)); // 3 + 2 is not within a tenth
        assertEquals(0, WinogradStripPlan.evenStrip(2, 14, 3, 2)); // two units already give each thread one
    }
}
