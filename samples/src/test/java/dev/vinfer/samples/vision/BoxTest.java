package dev.vinfer.samples.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BoxTest {

    @Test
    void iouOfKnownPairs() {
        Box a = new Box(0, 0, 2, 2);
        assertEquals(1f, a.iou(a), 1e-6f);
        assertEquals(1f / 3, a.iou(new Box(1, 0, 3, 2)), 1e-6f, "half overlap: 2 / (4 + 4 - 2)");
        assertEquals(0.25f, a.iou(new Box(0, 0, 1, 1)), 1e-6f, "contained: 1 / 4");
        assertEquals(0f, a.iou(new Box(2, 0, 4, 2)), "touching edges do not overlap");
        assertEquals(0f, a.iou(new Box(5, 5, 6, 6)));
        assertEquals(a.iou(new Box(1, 1, 3, 3)), new Box(1, 1, 3, 3).iou(a), "symmetric");
        assertEquals(0f, new Box(1, 1, 1, 1).iou(new Box(1, 1, 1, 1)), "empty boxes");
    }

    @Test
    void iouIsUnchangedByScalingBothBoxes() {
        Box a = new Box(0.1f, 0.2f, 0.5f, 0.6f);
        Box b = new Box(0.3f, 0.1f, 0.7f, 0.5f);
        PointMap toPixels = PointMap.ofNormalized(640, 480);
        assertEquals(a.iou(b), toPixels.apply(a).iou(toPixels.apply(b)), 1e-5f);
    }

    @Test
    void clipAndCenterForm() {
        assertEquals(new Box(0, 0, 10, 5), new Box(-3, -1, 12, 5).clip(10, 8));
        Box c = Box.ofCenter(5, 4, 2, 6);
        assertEquals(new Box(4, 1, 6, 7), c);
        assertEquals(5f, c.centerX());
        assertEquals(0f, new Box(3, 3, 1, 1).area(), "an inverted box has no area");
    }

    @Test
    void greedyNmsKeepsTheBestOfEachCluster() {
        Detection a = new Detection(new Box(0, 0, 10, 10), 0.9f);
        Detection aShifted = new Detection(new Box(1, 1, 11, 11), 0.95f); // IoU with a = 81/119 = 0.68
        Detection far = new Detection(new Box(50, 50, 60, 60), 0.3f);
        Detection touching = new Detection(new Box(6, 0, 16, 10), 0.5f); // IoU with aShifted = 45/155 = 0.29
        List<Detection> kept = NonMaxSuppression.greedy(List.of(a, far, touching, aShifted), 0.3f);
        assertEquals(List.of(aShifted, touching, far), kept);
        assertEquals(List.of(aShifted, far), NonMaxSuppression.greedy(List.of(a, far, touching, aShifted), 0.25f));
        assertEquals(List.of(aShifted, a, touching, far),
                NonMaxSuppression.greedy(List.of(a, far, touching, aShifted), 0.9f), "a high threshold keeps all");
    }

    @Test
    void perClassNmsOnlySuppressesWithinAClass() {
        Detection cat = new Detection(new Box(0, 0, 10, 10), 0.9f, 1);
        Detection catDup = new Detection(new Box(0, 0, 10, 9), 0.8f, 1);
        Detection dog = new Detection(new Box(0, 0, 10, 10), 0.85f, 2);
        assertEquals(List.of(cat, dog), NonMaxSuppression.perClass(List.of(catDup, dog, cat), 0.5f));
        assertEquals(List.of(cat), NonMaxSuppression.greedy(List.of(catDup, dog, cat), 0.5f));
    }
}
