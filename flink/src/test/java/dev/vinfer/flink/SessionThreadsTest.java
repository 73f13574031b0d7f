package dev.vinfer.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SessionThreadsTest {

    @Test
    void perSlotShareDividesTheCoresAndNeverDropsBelowOne() {
        assertEquals(2, SessionThreads.share(8, 4));
        assertEquals(1, SessionThreads.share(2, 2));
        assertEquals(3, SessionThreads.share(7, 2)); // the odd core stays free for Flink's own threads
        assertEquals(1, SessionThreads.share(2, 8));
        assertEquals(4, SessionThreads.share(4, 0)); // a missing slot count counts as one slot
    }

    @Test
    void fixedCountIsValidated() {
        assertEquals(3, SessionThreads.of(3).fixed());
        assertThrows(IllegalArgumentException.class, () -> SessionThreads.of(0));
        assertThrows(IllegalArgumentException.class, () -> new SessionThreads(-1));
    }
}
