package dev.vinfer.runtime;

import dev.vinfer.conv.ArrayAlignment;
import java.util.Arrays;

/**
 * The memory of one run at a time under a {@link MemoryPlan}: one array per storage type, the planned output
 * tensors (slices of those arrays, built once), the array of live tensors and the per-node input arrays, and a
 * reusable op context, so a run under an arena allocates nothing in the executor. Sessions keep a pool of arenas,
 * one per run in flight.
 *
 * <p>New storage is filled with NaN (floats) or a 0x5A byte pattern (integers), so an operator that wrongly relies
 * on zero-filled outputs fails visibly instead of passing by luck.
 *
 * <p>A run checks the plan as it goes: an output that lands in arena storage outside the slot the recording saw
 * (an op whose views depend on data) aborts the run with {@link Mismatch}; the session then stops using the plan
 * and reruns with fresh memory.
 */
final class Arena implements RunMemory {
    private final MemoryPlan plan;
    private final Object[] storage = new Object[MemoryPlan.STORAGE_CLASSES];
    /**
     * Per storage class, where the plan's offset 0 lies in its array: for floats the first cache line
     * ({@link ArrayAlignment}; the plan places slots on multiples of 16 elements, so every float slot then starts on
     * a line), else 0.
     */
    private final int[] lead = new int[MemoryPlan.STORAGE_CLASSES];
    private final Tensor[][] tensors;
    private final Tensor[] env;
    private final Tensor[][] nodeInputs;
    private final Tensor[][] nodeResults;
    private Executor.RunContext context;
    private LiveBytes live;

    /** The plan did not hold for this run. */
    static final class Mismatch extends RuntimeException {
        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    Arena(MemoryPlan plan) {
        this.plan = plan;
        for (int c = 0; c < MemoryPlan.STORAGE_CLASSES; c++) {
            int l = c == MemoryPlan.FLOAT ? ArrayAlignment.floatLead() : 0;
            lead[c] = plan.storageLength[c] <= Integer.MAX_VALUE - 8 - l ? l : 0;
            storage[c] = poisoned(c, plan.storageLength[c] + lead[c]);
        }
        tensors = new Tensor[plan.nodeCount][];
        nodeInputs = new Tensor[plan.nodeCount][];
        nodeResults = new Tensor[plan.nodeCount][];
        for (int k = 0; k < plan.nodeCount; k++) {
            MemoryPlan.Slot[] s = plan.slots[k];
            tensors[k] = new Tensor[s.length];
            for (int i = 0; i < s.length; i++) {
                if (s[i] != null) {
                    int c = s[i].storage();
                    tensors[k][i] = Tensor.wrap(s[i].dtype(), storage[c], lead[c] + s[i].offset(), s[i].shape());
                }
            }
            nodeInputs[k] = new Tensor[plan.inputCounts[k]];
            nodeResults[k] = new Tensor[1];
        }
        env = new Tensor[plan.valueCount];
    }

    private static Object poisoned(int storageClass, int length) {
        return switch (storageClass) {
            case MemoryPlan.FLOAT -> {
                float[] a = new float[length];
                Arrays.fill(a, Float.NaN);
                yield a;
            }
            case MemoryPlan.DOUBLE -> {
                double[] a = new double[length];
                Arrays.fill(a, Double.NaN);
                yield a;
            }
            case MemoryPlan.LONG -> {
                long[] a = new long[length];
                Arrays.fill(a, 0x5A5A5A5A5A5A5A5AL);
                yield a;
            }
            case MemoryPlan.INT -> {
                int[] a = new int[length];
                Arrays.fill(a, 0x5A5A5A5A);
                yield a;
            }
            case MemoryPlan.SHORT -> {
                short[] a = new short[length];
                Arrays.fill(a, (short) 0x5A5A);
                yield a;
            }
            default -> {
                byte[] a = new byte[length];
                Arrays.fill(a, (byte) 0x5A);
                yield a;
            }
        };
    }

    MemoryPlan plan() {
        return plan;
    }

    /** The op context of this arena's runs (made once per executor and listener). */
    Executor.RunContext context(Executor executor, Executor.NodeListener listener) {
        Executor.RunContext c = context;
        if (c == null || c.executor() != executor || c.listener != listener) {
            c = executor.new RunContext(listener, this);
            context = c;
        }
        return c;
    }

    /** This arena's byte accounting, reset for a new run (made once per budget). */
    LiveBytes liveBytes(long limit, long constantBytes) {
        LiveBytes l = live;
        if (l == null || !l.hasLimit(limit)) {
            l = new LiveBytes(new MemoryBudget(limit, "maxMemoryBytes", constantBytes));
            live = l;
        } else {
            l.reset(constantBytes);
        }
        return l;
    }

    @Override
    public Tensor[] results(int node) {
        return nodeResults[node];
    }

    @Override
    public Tensor[] env(int valueCount) {
        return env;
    }

    @Override
    public Tensor[] inputs(int node, int count) {
        return nodeInputs[node];
    }

    @Override
    public Tensor output(int node, int index, DType dtype, int[] shape) {
        Tensor t = planned(node, index, dtype, shape);
        return t != null ? t : Tensor.zeros(dtype, shape); // not planned, or a shape the recording did not see
    }

    /** The planned slice for this output, or null if the plan has none of this dtype and shape (no allocation). */
    Tensor planned(int node, int index, DType dtype, int[] shape) {
        Tensor[] planned = tensors[node];
        Tensor t = index < planned.length ? planned[index] : null;
        return t != null && t.dtype() == dtype && sameShape(t, shape) ? t : null;
    }

    private static boolean sameShape(Tensor t, int[] shape) {
        if (t.rank() != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (t.dim(i) != shape[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void nodeFinished(int node, Node n, Tensor[] outputs) {
        for (int o = 0; o < n.outputCount(); o++) {
            Value v = n.output(o);
            Tensor t = o < outputs.length ? outputs[o] : null;
            if (v == null || t == null) {
                continue;
            }
            Object data = t.data();
            boolean inArena = false;
            for (Object s : storage) {
                inArena |= s == data;
            }
            if (!inArena) {
                continue;
            }
            MemoryPlan.Slot s = plan.valueSlot[v.id()];
            if (s == null || storage[s.storage()] != data || t.offset() < lead[s.storage()] + s.offset()
                    || (long) t.offset() + t.size() > (long) lead[s.storage()] + s.offset() + s.size()) {
                throw new Mismatch(n.label() + " output '" + v.name() + "' lies in arena memory the plan did not give"
                        + " it");
            }
        }
    }

    /** Drops every reference a run left (inputs, outputs, intermediate tensors) so the arena holds none. */
    void clear() {
        Arrays.fill(env, null);
        for (Tensor[] in : nodeInputs) {
            Arrays.fill(in, null);
        }
        for (Tensor[] r : nodeResults) {
            r[0] = null;
        }
    }

    /** Bytes of storage. */
    long bytes() {
        return plan.arenaBytes();
    }
}
