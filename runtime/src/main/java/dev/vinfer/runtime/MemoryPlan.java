package dev.vinfer.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each node output lives in a reused arena, for one input-shape signature, learned from a recording run.
 *
 * <p>Every output request of the recording becomes a slot, live from its node to the last node reading any value
 * stored in it: a value returned as a view of another node's output (Reshape, Flatten, Squeeze, Identity, ...)
 * shares that output's array, and its readers extend the slot's life. Slots holding a graph output, directly or
 * through a view, are not planned (the caller keeps outputs after the run; they are allocated every run). The
 * rest are packed per storage type (float[], long[], ...) by greedy-by-size: largest first, each at the lowest
 * offset that overlaps no slot alive at the same time. Offsets are multiples of 16 elements (64 bytes for floats),
 * so every slice starts on a cache line relative to its array.
 */
final class MemoryPlan {
    static final int ALIGNMENT = 16;

    /** One planned node output. */
    record Slot(int node, int index, DType dtype, int[] shape, int size, int storage, int offset, int start,
            int end) {
    }

    /** Storage classes: one array per class in an arena. */
    static final int FLOAT = 0;
    static final int DOUBLE = 1;
    static final int LONG = 2;
    static final int INT = 3;
    static final int SHORT = 4;
    static final int BYTE = 5;
    static final int STORAGE_CLASSES = 6;

    final int[][] inputShapes;
    final DType[] inputTypes;
    /** Per node, per output index: the planned slot, or null. */
    final Slot[][] slots;
    /** Per value id: the planned slot its tensor lives in (directly or as a view), or null. */
    final Slot[] valueSlot;
    /** Elements of each storage class an arena needs. */
    final int[] storageLength;
    final int nodeCount;
    final int valueCount;
    final int[] inputCounts;
    private final long requestedBytes;

    private MemoryPlan(int[][] inputShapes, DType[] inputTypes, Slot[][] slots, Slot[] valueSlot,
            int[] storageLength, int[] inputCounts, int valueCount, long requestedBytes) {
        this.inputShapes = inputShapes;
        this.inputTypes = inputTypes;
        this.slots = slots;
        this.valueSlot = valueSlot;
        this.storageLength = storageLength;
        this.nodeCount = slots.length;
        this.inputCounts = inputCounts;
        this.valueCount = valueCount;
        this.requestedBytes = requestedBytes;
    }

    static int storageClass(DType t) {
        return switch (t) {
            case FLOAT32 -> FLOAT;
            case FLOAT64 -> DOUBLE;
            case INT64, UINT64 -> LONG;
            case INT32, UINT32 -> INT;
            case INT16, UINT16 -> SHORT;
            case INT8, UINT8, BOOL -> BYTE;
        };
    }

    static int bytesPerElement(int storageClass) {
        return switch (storageClass) {
            case FLOAT, INT -> 4;
            case DOUBLE, LONG -> 8;
            case SHORT -> 2;
            default -> 1;
        };
    }

    /** Bytes of one arena. */
    long arenaBytes() {
        long b = 0;
        for (int c = 0; c < STORAGE_CLASSES; c++) {
            b += (long) storageLength[c] * bytesPerElement(c);
        }
        return b;
    }

    /** Bytes the planned outputs would take if each had its own array (what the arena saves against). */
    long requestedBytes() {
        return requestedBytes;
    }

    /**
     * This plan as text (the "plan" stage of the pipeline): the input shapes it is for, one arena's bytes against
     * what the planned outputs would take each in its own array, then one line per planned node output in node
     * order: node, op, output index, dtype and shape, bytes, byte offset in its storage array and the node range it
     * is live in. Node outputs that are not planned (graph outputs, values an operator allocates itself) are not
     * listed.
     */
    String describe(Graph graph) {
        StringBuilder b = new StringBuilder();
        b.append("memory plan for inputs");
        for (int i = 0; i < inputShapes.length; i++) {
            b.append(i == 0 ? " " : ", ").append(inputShapes[i] == null ? "(none)"
                    : inputTypes[i] + Shapes.toString(inputShapes[i]));
        }
        long arena = arenaBytes();
        b.append(String.format(java.util.Locale.ROOT, "%narena %,d bytes; the same outputs each in its own array:"
                + " %,d bytes%s%n", arena, requestedBytes, requestedBytes > 0
                ? String.format(java.util.Locale.ROOT, " (the arena is %.1f%% of that)", 100.0 * arena
                / requestedBytes) : ""));
        b.append(String.format(java.util.Locale.ROOT, "%-5s %-28s %-22s %3s %-26s %13s %13s %s%n", "#", "node",
                "op", "out", "type and shape", "bytes", "offset", "live (nodes)"));
        List<Node> nodes = graph.nodes();
        for (Slot[] perNode : slots) {
            for (Slot s : perNode) {
                if (s == null) {
                    continue;
                }
                Node n = s.node() < nodes.size() ? nodes.get(s.node()) : null;
                int bytes = bytesPerElement(s.storage());
                b.append(String.format(java.util.Locale.ROOT, "%-5d %-28s %-22s %3d %-26s %,13d %,13d %d-%d%n",
                        s.node(), n == null ? "?" : clip(n.name(), 28), n == null ? "?" : clip(n.op().opType(), 22),
                        s.index(), s.dtype() + Shapes.toString(s.shape()), (long) s.size() * bytes,
                        (long) s.offset() * bytes, s.start(), s.end()));
            }
        }
        return b.toString();
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }

    /** Whether {@code feed} has exactly the dtypes and shapes this plan was made for (allocation-free). */
    boolean matches(Tensor[] feed) {
        if (feed.length != inputShapes.length) {
            return false;
        }
        for (int i = 0; i < feed.length; i++) {
            Tensor t = feed[i];
            int[] s = inputShapes[i];
            if (t == null || s == null) {
                if (t != null || s != null) {
                    return false;
                }
                continue;
            }
            if (t.dtype() != inputTypes[i] || t.rank() != s.length) {
                return false;
            }
            for (int d = 0; d < s.length; d++) {
                if (t.dim(d) != s[d]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Builds the plan of {@code graph} from a recording run fed with {@code feed}. */
    static MemoryPlan build(Graph graph, Tensor[] feed, RunRecording rec) {
        return build(graph, feed, rec, false);
    }

    /**
     * As {@link #build(Graph, Tensor[], RunRecording)}; with {@code planOutputs} graph outputs get slots too (live to
     * the end of the run), for a caller that copies them out before the arena is reused.
     */
    static MemoryPlan build(Graph graph, Tensor[] feed, RunRecording rec, boolean planOutputs) {
        List<Node> nodes = graph.nodes();
        int[] lastUse = Executor.lastUses(graph);
        boolean[] isOutput = new boolean[graph.valueCount()];
        for (Value v : graph.outputs()) {
            isOutput[v.id()] = true;
        }
        // Each request is a candidate slot: [node, end], escaping if a graph output lives in it.
        int n = rec.requests.size();
        int[] end = new int[n];
        boolean[] escapes = new boolean[n];
        Map<Object, Integer> byStorage = new IdentityHashMap<>();
        for (int r = 0; r < n; r++) {
            RunRecording.Request q = rec.requests.get(r);
            end[r] = q.node();
            byStorage.put(q.storage(), r);
        }
        int[] valueRequest = new int[graph.valueCount()];
        Arrays.fill(valueRequest, -1);
        for (int k = 0; k < nodes.size(); k++) {
            Node node = nodes.get(k);
            Object[] stored = rec.outputStorage[k];
            for (int o = 0; o < node.outputCount(); o++) {
                Value v = node.output(o);
                if (v == null || stored == null || o >= stored.length || stored[o] == null) {
                    continue;
                }
                Integer r = byStorage.get(stored[o]);
                if (r == null) {
                    continue; // an input, a constant or memory the op allocated itself: not ours to plan
                }
                valueRequest[v.id()] = r;
                if (isOutput[v.id()] && planOutputs) {
                    end[r] = nodes.size();
                } else if (isOutput[v.id()]) {
                    escapes[r] = true;
                } else if (lastUse[v.id()] != Integer.MAX_VALUE) {
                    end[r] = Math.max(end[r], Math.max(k, lastUse[v.id()]));
                }
            }
        }
        // Greedy by size, per storage class.
        Integer[] order = new Integer[n];
        for (int r = 0; r < n; r++) {
            order[r] = r;
        }
        Arrays.sort(order, Comparator.comparingLong((Integer r) -> -(long) Shapes.size(rec.requests.get(r).shape()))
                .thenComparingInt(r -> r));
        int[] offset = new int[n];
        int[] storageLength = new int[STORAGE_CLASSES];
        List<List<Integer>> placed = new ArrayList<>();
        for (int c = 0; c < STORAGE_CLASSES; c++) {
            placed.add(new ArrayList<>());
        }
        long requested = 0;
        for (int r : order) {
            RunRecording.Request q = rec.requests.get(r);
            if (escapes[r]) {
                continue;
            }
            int size = Shapes.size(q.shape());
            int c = storageClass(q.dtype());
            requested += (long) size * bytesPerElement(c);
            offset[r] = lowestFit(placed.get(c), rec, offset, end, q.node(), end[r], size);
            placed.get(c).add(r);
            storageLength[c] = (int) Math.max(storageLength[c], Math.min(Integer.MAX_VALUE - 8L,
                    (long) offset[r] + size));
        }
        Slot[][] slots = new Slot[nodes.size()][];
        int[] inputCounts = new int[nodes.size()];
        for (int k = 0; k < nodes.size(); k++) {
            slots[k] = new Slot[nodes.get(k).outputCount()];
            inputCounts[k] = nodes.get(k).inputCount();
        }
        Slot[] bySlotRequest = new Slot[n];
        for (int r = 0; r < n; r++) {
            RunRecording.Request q = rec.requests.get(r);
            if (escapes[r] || q.index() >= slots[q.node()].length || slots[q.node()][q.index()] != null) {
                continue; // an output index the node does not declare, or asked twice: leave it to allocation
            }
            Slot s = new Slot(q.node(), q.index(), q.dtype(), q.shape(), Shapes.size(q.shape()),
                    storageClass(q.dtype()), offset[r], q.node(), end[r]);
            slots[q.node()][q.index()] = s;
            bySlotRequest[r] = s;
        }
        Slot[] valueSlot = new Slot[graph.valueCount()];
        for (int v = 0; v < valueSlot.length; v++) {
            valueSlot[v] = valueRequest[v] < 0 ? null : bySlotRequest[valueRequest[v]];
        }
        int[][] shapes = new int[feed.length][];
        DType[] types = new DType[feed.length];
        for (int i = 0; i < feed.length; i++) {
            if (feed[i] != null) {
                shapes[i] = feed[i].shape();
                types[i] = feed[i].dtype();
            }
        }
        return new MemoryPlan(shapes, types, slots, valueSlot, storageLength, inputCounts, graph.valueCount(),
                requested);
    }

    /** The lowest aligned offset where {@code size} elements overlap no placed slot alive during [start, end]. */
    private static int lowestFit(List<Integer> placed, RunRecording rec, int[] offset, int[] end, int start,
            int stop, int size) {
        List<int[]> busy = new ArrayList<>();
        for (int p : placed) {
            int ps = rec.requests.get(p).node();
            if (ps <= stop && start <= end[p]) {
                busy.add(new int[] {offset[p], offset[p] + Shapes.size(rec.requests.get(p).shape())});
            }
        }
        busy.sort(Comparator.comparingInt(a -> a[0]));
        long candidate = 0;
        for (int[] b : busy) {
            if (candidate + size <= b[0]) {
                break;
            }
            candidate = Math.max(candidate, align(b[1]));
        }
        if (candidate + size > Integer.MAX_VALUE - 8L) {
            throw new VinferException("the activations of this model do not fit one Java array");
        }
        return (int) candidate;
    }

    private static long align(long x) {
        return (x + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
