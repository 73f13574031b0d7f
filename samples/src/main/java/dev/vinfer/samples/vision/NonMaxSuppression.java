package dev.vinfer.samples.vision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Greedy non-maximum suppression: detectors report many overlapping boxes for one object; keep the best-scored
 * box and drop every other box that overlaps it by more than the IoU threshold, then repeat with what is left.
 */
public final class NonMaxSuppression {
    /** Scores first; equal scores keep their input order (the sort is stable), so results are deterministic. */
    private static final Comparator<Detection> BY_SCORE = Comparator.comparingDouble(d -> -d.score());

    private NonMaxSuppression() {
    }

    /**
     * Class-agnostic greedy NMS: boxes suppress each other whatever their class.
     *
     * @param iouThreshold a box is dropped when its IoU with a kept box is above this
     * @return the kept detections, best score first
     */
    public static List<Detection> greedy(List<Detection> detections, float iouThreshold) {
        List<Detection> sorted = new ArrayList<>(detections);
        sorted.sort(BY_SCORE);
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            boolean suppressed = false;
            for (Detection k : kept) {
                if (k.box().iou(d.box()) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(d);
            }
        }
        return kept;
    }

    /** Greedy NMS within each class: boxes of different classes never suppress each other. Best score first. */
    public static List<Detection> perClass(List<Detection> detections, float iouThreshold) {
        Map<Integer, List<Detection>> byClass = new LinkedHashMap<>();
        for (Detection d : detections) {
            byClass.computeIfAbsent(d.classId(), c -> new ArrayList<>()).add(d);
        }
        List<Detection> kept = new ArrayList<>();
        for (List<Detection> group : byClass.values()) {
            kept.addAll(greedy(group, iouThreshold));
        }
        kept.sort(BY_SCORE);
        return kept;
    }
}
