package dev.vinfer.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar redrawn with carriage returns, shown only when standard output is a terminal (a bar in
 * a log file or a pipe would be noise).
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean enabled;
    private long lastDraw;

    ProgressBar(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    /** True when standard output is an interactive terminal. */
    static boolean stdoutIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Draws {@code label} at {@code fraction} (0..1), at most every 100 ms. */
    void update(String label, double fraction, String detail) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && fraction < 1) {
            return;
        }
        lastDraw = now;
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * WIDTH);
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + String.format("%3d%%", (int) Math.round(fraction * 100)) + " " + detail + "   ");
        out.flush();
    }

    /** Erases the bar. */
    void done() {
        if (enabled) {
            out.print("\r" + " ".repeat(WIDTH + 60) + "\r");
            out.flush();
        }
    }
}
